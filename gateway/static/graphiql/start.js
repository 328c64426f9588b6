// Renders GraphiQL against the endpoint that served this page: queries and mutations
// over HTTP, subscriptions over a websocket to the same path. Loaded as a file (not an
// inline script) so the page's Content-Security-Policy can forbid inline scripts.
// A token pasted in the Headers tab, {"Authorization": "Bearer <jwt>"}, goes with every
// HTTP request and in the websocket's connection_init payload.
(function () {
  "use strict";
  var endpoint = window.location.origin + window.location.pathname;
  var socket = new URL(endpoint);
  socket.protocol = socket.protocol === "https:" ? "wss:" : "ws:";
  var fetcher = GraphiQL.createFetcher({ url: endpoint, subscriptionUrl: socket.href });
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      plugins: [GraphiQLPluginExplorer.explorerPlugin()],
      defaultEditorToolsVisibility: true,
      isHeadersEditorEnabled: true,
      inputValueDeprecation: true,
    })
  );
})();

// The PostGraphile peer's HTTP server: grafserv on Node's http module, on PORT.
import { createServer } from "node:http";
import { postgraphile } from "postgraphile";
import { grafserv } from "postgraphile/grafserv/node";
import preset from "./graphile.config.mjs";

const serv = postgraphile(preset).createServ(grafserv);
const server = createServer();
server.keepAliveTimeout = 60_000;
await serv.addTo(server);
server.listen(Number(process.env.PORT), "127.0.0.1", () => {
  console.log(`postgraphile listening on ${process.env.PORT}`);
});

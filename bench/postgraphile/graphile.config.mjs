// PostGraphile v5 over the gateway's own database, as bench/lists.py runs it: the
// `public` schema the gateway's migrations create, introspected once at start (no watch),
// with a pool as large as the gateway's (DB_POOL_SIZE=20) and no GraphiQL or explain.
// PgIndexBehaviorsPlugin is off so that lines can be ordered by `position`, as the
// gateway orders them, though no index leads with that column (each table's primary key
// and foreign keys lead with tenant_id).
import { makePgService } from "postgraphile/adaptors/pg";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset],
  disablePlugins: ["PgIndexBehaviorsPlugin"],
  pgServices: [
    makePgService({
      connectionString: process.env.DATABASE_URL,
      schemas: ["public"],
      poolConfig: { max: 20 },
    }),
  ],
  grafserv: { graphqlPath: "/graphql", graphiql: false, watch: false },
  grafast: { explain: false },
};

export default preset;

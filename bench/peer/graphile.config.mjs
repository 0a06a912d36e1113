// PostGraphile 5 serving the gateway's PostgreSQL tables, for bench/dashboard.py only.
import { makePgService } from "postgraphile/adaptors/pg";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset],
  // Without it, only indexed columns can be ordered by and only indexed foreign keys
  // give backward relations; the gateway orders by non-indexed columns too.
  disablePlugins: ["PgIndexBehaviorsPlugin"],
  pgServices: [
    makePgService({
      connectionString: process.env.DATABASE_URL,
      schemas: ["public"],
    }),
  ],
  grafserv: {
    port: Number(process.env.PORT ?? 5678),
    host: "127.0.0.1",
    graphqlPath: "/graphql",
    watch: false,
  },
  grafast: { explain: false },
};

export default preset;

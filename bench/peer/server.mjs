// Serves PostGraphile on 127.0.0.1:$PORT/graphql; DATABASE_URL names the database.
import "./polyfill.mjs";
import { createServer } from "node:http";
import { postgraphile } from "postgraphile";
import { grafserv } from "postgraphile/grafserv/node";
import preset from "./graphile.config.mjs";

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
server.on("error", (error) => {
  console.error(error);
  process.exit(1);
});
await serv.addTo(server);
const port = preset.grafserv.port;
server.listen(port, "127.0.0.1", () => console.log(`postgraphile listening on ${port}`));
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, async () => {
    server.close();
    await pgl.release();
    process.exit(0);
  });
}

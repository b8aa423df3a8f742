// A portal process for tests: the portal's route handlers (portal-server.ts) on loopback,
// configured by the environment like `npm run portal`, without a Next.js build. Prints one
// JSON line `{"msg":"portal listening","url":…}` once it serves; SIGTERM stops it.
//   node --import tsx testkit/stack/portal-main.ts [port (default 0: any free one)]
import { closeQueues } from "../../server/platform/jobs/queues";
import { closeRedis } from "../../server/platform/redis";
import { startApiServer } from "./portal-server";

const server = await startApiServer(Number(process.argv[2] ?? 0));
process.stdout.write(`${JSON.stringify({ msg: "portal listening", url: server.url })}\n`);
process.once("SIGTERM", async () => {
  await server.close();
  await closeQueues();
  await closeRedis();
  process.exit(0);
});

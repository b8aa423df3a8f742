// Worker process entry point: `npm run worker`. Run as many replicas as you like.
import { getDb } from "../server/db/client";
import { runWorkers } from "./run-workers";

const stop = runWorkers(getDb(), (line) => console.log(`[worker] ${line}`));

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, async () => {
    await stop();
    await getDb().$disconnect();
    process.exit(0);
  });
}

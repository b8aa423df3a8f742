// Worker process entry point: `npm run worker`. Run as many replicas as you like.
import { getDb } from "../server/db/client";
import { closeQueues } from "../server/jobs/queues";
import { runWorkers } from "./run-workers";
import { sweepOutbox } from "./sweep-outbox";

const log = (line: string) => console.log(`[worker] ${line}`);
const stop = runWorkers(getDb(), log);

const sweep = () =>
  sweepOutbox(getDb())
    .then((n) => n && log(`re-enqueued ${n} stale outbox row(s)`))
    .catch((error: Error) => log(`outbox sweep failed: ${error.message}`));
void sweep();
const sweeper = setInterval(sweep, 60_000);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, async () => {
    clearInterval(sweeper);
    await stop();
    await closeQueues();
    await getDb().$disconnect();
    process.exit(0);
  });
}

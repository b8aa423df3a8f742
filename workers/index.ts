// Worker process entry point: `npm run worker`. Run as many replicas as you like.
import { sweepGrace } from "../server/domains/billing/services/grace";
import { meterAll } from "../server/domains/billing/services/usage/meter";
import { closeControlChannel } from "../server/domains/fleet/channel/control-channel";
import { markSilentDevicesOffline } from "../server/domains/fleet/channel/presence-sweep";
import { refreshDueCrls } from "../server/domains/fleet/enrollment/org-ca";
import { pruneOverlayHistory } from "../server/domains/overlay/compile/prune";
import { getDb } from "../server/platform/db/client";
import { env } from "../server/platform/env";
import { closeQueues } from "../server/platform/jobs/queues";
import { log as baseLog } from "../server/platform/log/logger";
import { startFleetIngest } from "./fleet-ingest";
import { runWorkers } from "./run-workers";
import { sweepOutbox } from "./sweep-outbox";

const workerLog = baseLog.child({ component: "worker" });
const log = (line: string) => workerLog.info(line);
const stop = runWorkers(getDb(), log);
const stopIngest = env.FLEET_INGEST ? startFleetIngest(getDb(), log) : async () => {};

const sweep = () =>
  sweepOutbox(getDb())
    .then((n) => n && log(`re-enqueued ${n} stale outbox row(s)`))
    .catch((error: Error) => log(`outbox sweep failed: ${error.message}`));
let sweeps = 0;
const sweepCrls = () =>
  refreshDueCrls(getDb())
    .then((n) => n && log(`re-signed ${n} org CRL(s) due soon`))
    .catch((error: Error) => log(`CRL refresh failed: ${error.message}`));
void sweep();
void sweepCrls();
const sweepPresence = () =>
  markSilentDevicesOffline(getDb())
    .then((n) => n && log(`marked ${n} silent device(s) offline`))
    .catch((error: Error) => log(`presence sweep failed: ${error.message}`));
const prunePaths = () =>
  pruneOverlayHistory(getDb())
    .then(
      (n) =>
        (n.samples || n.events) &&
        log(`pruned ${n.samples} path sample(s) and ${n.events} path event(s)`),
    )
    .catch((error: Error) => log(`path history pruning failed: ${error.message}`));
void prunePaths();
const sweepBillingGrace = () =>
  sweepGrace(getDb())
    .then((n) => n && log(`${n} org(s) became read-only (grace period over)`))
    .catch((error: Error) => log(`grace sweep failed: ${error.message}`));
const meterUsage = () =>
  meterAll(getDb(), new Date(), log)
    .then((n) => n.sent && log(`sent ${n.sent} hour(s) of data transfer to Stripe's meter`))
    .catch((error: Error) => log(`usage metering failed: ${error.message}`));
const sweeper = setInterval(() => {
  void sweep();
  void sweepPresence();
  void sweepBillingGrace();
  if (++sweeps % 60 === 0) void sweepCrls(); // hourly
  if (sweeps % 10 === 0) void prunePaths(); // every 10 minutes
  if (sweeps % 5 === 0) void meterUsage(); // every 5 minutes
}, 60_000);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, async () => {
    clearInterval(sweeper);
    await stopIngest();
    await stop();
    await closeControlChannel();
    await closeQueues();
    await getDb().$disconnect();
    process.exit(0);
  });
}

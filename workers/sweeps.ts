// The periodic sweeps, each a BullMQ job scheduler (server/platform/jobs/schedules.ts): one
// run per period across all worker replicas, and one when the workers start.

import { sweepAlerts, sweepNotifications } from "../server/domains/alerting";
import { sweepGrace } from "../server/domains/billing/services/grace";
import { meterAll } from "../server/domains/billing/services/usage/meter";
import { recheckDomains } from "../server/domains/custom-domains";
import { markSilentDevicesOffline } from "../server/domains/fleet/channel/presence-sweep";
import {
  migrateLegacyOrgCas,
  retireLegacyOrgCas,
} from "../server/domains/fleet/enrollment/migrate-org-cas";
import { refreshDueCrls } from "../server/domains/fleet/enrollment/org-ca";
import { pruneIntentSnapshots } from "../server/domains/fleet/intent/snapshots";
import { pruneOverlayHistory } from "../server/domains/overlay/compile/prune";
import { sweepMonthlyReports } from "../server/domains/reports";
import { maintainSeries, rollUpRecent } from "../server/domains/series";
import { sweepWebhooks } from "../server/domains/webhooks";
import type { Db } from "../server/platform/db/client";
import { env } from "../server/platform/env";
import { defineSchedule, type ScheduleDefinition } from "../server/platform/jobs/define-job";
import { log } from "../server/platform/log/logger";
import { sweepOutbox } from "./sweep-outbox";

const MINUTE = 60_000;
const meterLog = log.child({ component: "billing" });

interface Sweep {
  def: ScheduleDefinition;
  /** What it did, for the log; nothing when there was nothing to do. */
  run: (db: Db) => Promise<string | undefined>;
}

const sweep = (name: string, everyMs: number, run: Sweep["run"]): Sweep => ({
  def: defineSchedule({ name, everyMs }),
  run,
});

export const SWEEPS: readonly Sweep[] = [
  sweep("alerts.evaluate", env.ALERT_EVALUATE_EVERY_MS, async (db) => {
    await sweepAlerts(db);
    return undefined;
  }),
  sweep("alerts.notifications", MINUTE, async (db) => {
    const n = await sweepNotifications(db);
    return n ? `re-sent ${n} overdue notification(s)` : undefined;
  }),
  sweep("mail.outbox", MINUTE, async (db) => {
    const n = await sweepOutbox(db);
    return n ? `re-enqueued ${n} stale outbox row(s)` : undefined;
  }),
  sweep("webhooks.due", MINUTE / 2, async (db) => {
    const n = await sweepWebhooks(db);
    return n ? `handed ${n} due webhook delivery(ies) to delivery jobs` : undefined;
  }),
  sweep("fleet.presence", MINUTE, async (db) => {
    const n = await markSilentDevicesOffline(db);
    return n ? `marked ${n} silent device(s) offline` : undefined;
  }),
  sweep("billing.grace", MINUTE, async (db) => {
    const n = await sweepGrace(db);
    return n ? `${n} org(s) became read-only (grace period over)` : undefined;
  }),
  sweep("fleet.crl", 60 * MINUTE, async (db) => {
    const n = await refreshDueCrls(db);
    return n ? `re-signed ${n} org CRL(s) due soon` : undefined;
  }),
  // At start and hourly: self-signed org CAs of the first scheme become intermediates of
  // the root, and the old CAs lose the brokers' trust once their devices have renewed.
  sweep("fleet.org-cas", 60 * MINUTE, async (db) => {
    const migrated = await migrateLegacyOrgCas(db);
    const retired = await retireLegacyOrgCas(db);
    return migrated.length || retired.length
      ? `cross-signed ${migrated.length} legacy org CA(s); retired ${retired.length}`
      : undefined;
  }),
  sweep("fleet.snapshots", 60 * MINUTE, async (db) => {
    const n = await pruneIntentSnapshots(db);
    return n.snapshots || n.parts
      ? `pruned ${n.snapshots} intent snapshot(s) and ${n.parts} unused intent part(s)`
      : undefined;
  }),
  sweep("overlay.prune", 10 * MINUTE, async (db) => {
    const n = await pruneOverlayHistory(db);
    return n.samples || n.events
      ? `pruned ${n.samples} path sample(s) and ${n.events} path event(s)`
      : undefined;
  }),
  sweep("domains.recheck", 5 * MINUTE, async (db) => {
    const n = await recheckDomains(db);
    return n ? `${n} custom domain(s) failed their re-check (TXT record gone)` : undefined;
  }),
  sweep("billing.meter", 5 * MINUTE, async (db) => {
    const n = await meterAll(db, new Date(), (line) => meterLog.info(line));
    return n.sent ? `sent ${n.sent} hour(s) of data transfer to Stripe's meter` : undefined;
  }),
  sweep("series.rollup", MINUTE, async (db) => {
    const n = await rollUpRecent(db);
    return n ? `rolled up ${n} minute/hour row(s) of time series` : undefined;
  }),
  sweep("series.maintain", 60 * MINUTE, async (db) => {
    const n = await maintainSeries(db);
    return n.made || n.partitions || n.points
      ? `series: made ${n.made} partition(s), dropped ${n.partitions}, deleted ${n.points} point(s) past their plan's retention`
      : undefined;
  }),
  // Hourly: the 1st's first run sends last month's reports; later runs find them sent.
  sweep("reports.monthly", 60 * MINUTE, async (db) => {
    const n = await sweepMonthlyReports(db);
    return n ? `mailed ${n} org(s) their monthly SLA report` : undefined;
  }),
];

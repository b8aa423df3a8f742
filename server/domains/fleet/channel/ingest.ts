// What devices report, into the database: applied state, presence, heartbeats, usage,
// certificate renewals, and the overlay's reports (overlay-ingest.ts). Messages are
// validated, then batched per org (a few ms) so that ten thousand acks cost a handful of
// statements; each batch also moves the org's rollouts along. A batch is written under the
// org's fleet lock (../fleet-lock.ts), and put back for the next flush while a compile
// holds it. With Mosquitto, every worker subscribes through a shared subscription and gets
// a share of the devices' messages; the embedded broker has none, so there one consumer
// runs.
import type { IPublishPacket } from "mqtt";
import {
  decode,
  type Heartbeat,
  MessageError,
  type Presence,
  parseTopic,
  type ReportedState,
  sharedFilter,
  type Telemetry,
  UPLINK,
  USAGE_TELEMETRY_KIND,
  type UsageTelemetry,
  uplinkFilter,
  ZCsrRequest,
  ZHeartbeat,
  ZOverlayStatus,
  ZPathEvents,
  ZPathReport,
  ZPresence,
  ZReportedState,
  ZTelemetry,
  ZUsageTelemetry,
} from "../../../../protocol";
import type { Db } from "../../../platform/db/client";
import { afterCommit, withScope } from "../../../platform/db/with-tenant";
import { getRedis, redisKey } from "../../../platform/redis";
import { writeUsage } from "../../billing";
import {
  cacheLatestPaths,
  hasOverlayReports,
  mergeOverlayReports,
  newOverlayReports,
  type OverlayReports,
  writeOverlayReports,
} from "../../overlay";
import { publishPending } from "../compile/publish";
import { issueDeviceCert } from "../enrollment/org-ca";
import { tryLockOrgFleet } from "../fleet-lock";
import { progressRollouts } from "../rollout/progress";
import type { ControlChannel } from "./control-channel";

/** A device renews at two thirds of its certificate's life; more than this is a fault. */
const RENEWALS_PER_HOUR = 10;

export type Log = (level: "info" | "warn" | "error", msg: string, fields?: object) => void;

export interface OrgBatch {
  states: Map<string, ReportedState>;
  presence: Map<string, Presence>;
  heartbeats: Map<string, Heartbeat>;
  /** Latest telemetry per `<deviceId>/<kind>`. */
  telemetry: Map<string, Telemetry>;
  /** Newest usage report per device (cumulative counters: the older ones add nothing). */
  usage: Map<string, UsageTelemetry>;
  overlay: OverlayReports;
}

export const newBatch = (): OrgBatch => ({
  states: new Map(),
  presence: new Map(),
  heartbeats: new Map(),
  telemetry: new Map(),
  usage: new Map(),
  overlay: newOverlayReports(),
});

/** Flushes stop() tries before giving up what is still batched. */
const STOP_ATTEMPTS = 40;

/** How long the latest telemetry of a device is kept when it stops sending. */
const TELEMETRY_TTL_SECONDS = 3600;

/** Redis key of a device's latest telemetry of one kind (a JSON Telemetry message). */
export const telemetryKey = (orgId: string, deviceId: string, kind: string) =>
  redisKey("fleet", "telemetry", orgId, deviceId, kind);

export interface IngestOptions {
  shared: boolean;
  flushMs?: number;
  log?: Log;
}

export class FleetIngest {
  private batches = new Map<string, OrgBatch>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private readonly log: Log;
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly channel: ControlChannel,
    private readonly opts: IngestOptions,
  ) {
    this.log = opts.log ?? ((level, msg, f) => console.log(JSON.stringify({ level, msg, ...f })));
  }

  async start() {
    // Every uplink channel; onMessage ignores none of them.
    const filters = UPLINK.map((c) =>
      this.opts.shared ? sharedFilter("patronus-ingest", uplinkFilter(c)) : uplinkFilter(c),
    );
    this.channel.client.on("message", this.onMessage);
    const granted = await this.channel.client.subscribeAsync(filters, { qos: 1 });
    const refused = granted.filter((g) => g.qos > 2);
    if (refused.length) throw new Error(`broker refused ${refused.map((g) => g.topic).join(", ")}`);
  }

  async stop() {
    this.stopped = true;
    this.channel.client.off("message", this.onMessage);
    if (this.timer) clearTimeout(this.timer);
    // What is batched is written before the ingest goes; an org whose fleet lock stays
    // taken, or a database that stays away, gets a second or so.
    for (let i = 0; i < STOP_ATTEMPTS; i++) {
      await this.flush();
      if (this.batches.size === 0) return;
      await new Promise((r) => setTimeout(r, this.opts.flushMs ?? 25));
    }
  }

  private onMessage = (topic: string, payload: Buffer, packet: IPublishPacket) => {
    if (payload.length === 0) return; // a cleared retained message
    const t = parseTopic(topic);
    if (!t) return;
    try {
      const batch = this.batches.get(t.orgId) ?? newBatch();
      this.batches.set(t.orgId, batch);
      switch (t.channel) {
        case "state":
          batch.states.set(t.deviceId, decode(ZReportedState, payload));
          break;
        case "presence":
          batch.presence.set(t.deviceId, decode(ZPresence, payload));
          break;
        case "heartbeat":
          if (!packet.retain) batch.heartbeats.set(t.deviceId, decode(ZHeartbeat, payload));
          break;
        case "csr":
          void this.renew(t.orgId, t.deviceId, decode(ZCsrRequest, payload).csr);
          return;
        case "telemetry":
          if (t.kind === USAGE_TELEMETRY_KIND)
            batch.usage.set(t.deviceId, decode(ZUsageTelemetry, payload));
          else batch.telemetry.set(`${t.deviceId}/${t.kind}`, decode(ZTelemetry, payload));
          break;
        case "overlay":
          batch.overlay.status.set(t.deviceId, decode(ZOverlayStatus, payload));
          break;
        case "paths":
          // A retained report would be stored again at every resubscription.
          if (!packet.retain) batch.overlay.paths.push([t.deviceId, decode(ZPathReport, payload)]);
          break;
        case "events":
          for (const e of decode(ZPathEvents, payload).events)
            batch.overlay.events.push([t.deviceId, e]);
          break;
        default:
          return;
      }
      this.schedule();
    } catch (error) {
      if (!(error instanceof MessageError)) throw error;
      this.log("warn", "refused a device message", {
        device: t.identity,
        channel: t.channel,
        error: error.message,
      });
    }
  };

  private schedule() {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushing = this.flushing.then(() => this.flush());
    }, this.opts.flushMs ?? 25);
  }

  /** Writes everything batched so far; a failed org batch is put back for the next flush. */
  async flush() {
    const batches = this.batches;
    this.batches = new Map();
    await Promise.all(
      [...batches].map(async ([orgId, b]) => {
        try {
          // The org's fleet lock is taken (a compile, another worker's batch): again soon.
          if (!(await this.write(orgId, b))) {
            this.merge(orgId, b);
            this.schedule();
          }
        } catch (error) {
          this.log("error", "fleet ingest write failed; will retry", {
            orgId,
            error: (error as Error).message,
          });
          this.merge(orgId, b);
          this.schedule();
        }
      }),
    );
  }

  /** Puts a batch whose write failed back; reports that arrived since win over it. */
  private merge(orgId: string, failed: OrgBatch) {
    const cur = this.batches.get(orgId) ?? newBatch();
    this.batches.set(orgId, {
      states: new Map([...failed.states, ...cur.states]),
      presence: new Map([...failed.presence, ...cur.presence]),
      heartbeats: new Map([...failed.heartbeats, ...cur.heartbeats]),
      telemetry: new Map([...failed.telemetry, ...cur.telemetry]),
      usage: new Map([...failed.usage, ...cur.usage]),
      overlay: mergeOverlayReports(failed.overlay, cur.overlay),
    });
  }

  /** Writes an org's batch; false when its fleet lock was taken and nothing was written. */
  private async write(orgId: string, b: OrgBatch): Promise<boolean> {
    const cameOnline = [...b.presence].filter(([, p]) => p.online).map(([id]) => id);
    const written = await writeOrgBatch(this.db, orgId, b, this.log);
    if (written === "busy") return false;
    // After the commit: a retry of this batch would store its samples twice.
    await cacheLatestPaths(orgId, b.overlay.paths).catch((error: Error) =>
      this.log("warn", "caching path reports failed", { orgId, error: error.message }),
    );
    if (b.telemetry.size) {
      const multi = getRedis().multi();
      for (const [key, t] of b.telemetry) {
        const [deviceId, kind] = key.split("/") as [string, string];
        multi.set(
          telemetryKey(orgId, deviceId, kind),
          JSON.stringify(t),
          "EX",
          TELEMETRY_TTL_SECONDS,
        );
      }
      await multi.exec();
    }
    // Devices that came (back) online get whatever they missed; an advanced rollout
    // reaches its remaining devices.
    if (written.advanced) await publishPending(this.db, orgId);
    else if (cameOnline.length) await publishPending(this.db, orgId, cameOnline);
    return true;
  }

  /** A device asks for a new certificate over its authenticated channel. */
  private async renew(orgId: string, deviceId: string, csr: string) {
    try {
      await withScope(this.db, { orgId }, async (tx) => {
        const device = await tx.device.findUnique({ where: { id: deviceId, orgId } });
        if (device?.status !== "active") return;
        const recent = await tx.deviceCertificate.count({
          where: { orgId, deviceId, createdAt: { gt: new Date(Date.now() - 3600_000) } },
        });
        if (recent >= RENEWALS_PER_HOUR) {
          this.log("warn", "certificate renewal refused: too many this hour", { deviceId });
          return;
        }
        const identity = `${orgId}.${deviceId}`;
        const cert = await issueDeviceCert(tx, orgId, deviceId, csr, identity);
        await afterCommit(tx, () =>
          this.channel.publishCert(identity, {
            v: 1,
            certificate: cert.certPem,
            caChain: cert.caPem,
            notAfter: cert.notAfter.toISOString(),
          }),
        );
      });
    } catch (error) {
      this.log("warn", "certificate renewal failed", { deviceId, error: (error as Error).message });
    }
  }
}

/**
 * Writes one org's batch of reports in one transaction; says whether a rollout advanced.
 * The transaction first takes the org's fleet lock (../fleet-lock.ts) without waiting for
 * it: while a compile or another worker's batch holds it, nothing is written and "busy"
 * comes back, so the caller puts the batch back and one busy org never holds up the flush
 * of the others.
 */
export function writeOrgBatch(
  db: Db,
  orgId: string,
  b: OrgBatch,
  log: Log,
): Promise<{ advanced: boolean } | "busy"> {
  return withScope(db, { orgId }, async (tx) => {
    if (!(await tryLockOrgFleet(tx, orgId))) return "busy" as const;
    if (b.states.size) {
      const rows = [...b.states];
      await tx.$executeRaw`
        UPDATE devices SET
          "reportedRevision" = s.revision,
          "reportedHash" = s.hash,
          "attemptedRevision" = CASE WHEN s.status = 'applied' THEN s.revision
                                     ELSE coalesce(s.attempted, devices."attemptedRevision") END,
          "applyStatus" = s.status,
          "lastError" = s.error,
          "appliedAt" = s.applied_at,
          "updatedAt" = now()
        FROM unnest(
          ${rows.map(([id]) => id)}::text[],
          ${rows.map(([, s]) => s.revision)}::int[],
          ${rows.map(([, s]) => s.hash)}::text[],
          ${rows.map(([, s]) => s.attempted ?? null)}::int[],
          ${rows.map(([, s]) => s.status)}::text[],
          ${rows.map(([, s]) => s.error)}::text[],
          ${rows.map(([, s]) => s.appliedAt)}::timestamptz[]
        ) AS s(id, revision, hash, attempted, status, error, applied_at)
        WHERE devices.id = s.id AND devices."orgId" = ${orgId} AND devices.status = 'active'`;
    }
    if (b.presence.size) {
      const rows = [...b.presence];
      await tx.$executeRaw`
        UPDATE devices SET online = p.online, "lastSeenAt" = p.at,
          "agentVersion" = coalesce(p.version, devices."agentVersion"), "updatedAt" = now()
        FROM unnest(
          ${rows.map(([id]) => id)}::text[],
          ${rows.map(([, p]) => p.online)}::bool[],
          ${rows.map(([, p]) => p.at)}::timestamptz[],
          ${rows.map(([, p]) => p.agentVersion ?? null)}::text[]
        ) AS p(id, online, at, version)
        WHERE devices.id = p.id AND devices."orgId" = ${orgId} AND devices.status = 'active'`;
    }
    if (b.heartbeats.size) {
      await tx.$executeRaw`
        UPDATE devices SET "lastSeenAt" = now(), online = true
        WHERE "orgId" = ${orgId} AND status = 'active' AND id = ANY(${[...b.heartbeats.keys()]}::text[])`;
    }
    if (hasOverlayReports(b.overlay)) await writeOverlayReports(tx, orgId, b.overlay);
    if (b.usage.size) await writeUsage(tx, orgId, b.usage, log);
    const advanced = b.states.size > 0 && (await progressRollouts(tx, orgId)).advanced.length > 0;
    return { advanced };
  });
}

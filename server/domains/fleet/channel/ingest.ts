// What devices report, into the database. Every uplink channel is an ingest channel of some
// area (server/features.ts: the fleet's state, presence, heartbeats and telemetry, the
// overlay's reports, billing's usage); this class only decodes, batches and writes them.
// Messages are validated, then batched per org (a few ms) so that ten thousand acks cost a
// handful of statements; each batch also moves the org's rollouts along. A batch is written
// under the org's fleet lock (../fleet-lock.ts), and put back for the next flush while a
// compile holds it. With Mosquitto, every worker subscribes through a shared subscription
// and gets a share of the devices' messages; the embedded broker has none, so there one
// consumer runs.
import type { IPublishPacket } from "mqtt";
import {
  decode,
  MessageError,
  type Presence,
  parseTopic,
  sharedFilter,
  UPLINK,
  uplinkFilter,
  ZCsrRequest,
} from "../../../../protocol";
import { registry } from "../../../features";
import type { Db } from "../../../platform/db/client";
import { afterCommit, withScope } from "../../../platform/db/with-tenant";
import type { IngestChannel, IngestLog } from "../../../platform/features/contract";
import { log as baseLog } from "../../../platform/log/logger";
import { publishPending } from "../compile/publish";
import { issueDeviceCert } from "../enrollment/org-ca";
import { tryLockOrgFleet } from "../fleet-lock";
import { progressRollouts } from "../rollout/progress";
import type { ControlChannel } from "./control-channel";
import { presenceChannel, stateChannel } from "./core-channels";

const ingestLog = baseLog.child({ component: "ingest" });

/** A device renews at two thirds of its certificate's life; more than this is a fault. */
const RENEWALS_PER_HOUR = 10;

// biome-ignore lint/suspicious/noExplicitAny: each channel has its own message and batch
type AnyChannel = IngestChannel<any, any>;

/** One org's batched reports: each channel's batch, by channel id. */
export type OrgBatch = Map<string, unknown>;
export const newBatch = (): OrgBatch => new Map();

const idOf = (c: { channel: string; kind?: string }) =>
  c.kind ? `${c.channel}/${c.kind}` : c.channel;

/** Adds one decoded message to an org's batch. */
export function addToBatch<M>(
  b: OrgBatch,
  channel: IngestChannel<M>,
  deviceId: string,
  message: M,
  kind?: string,
) {
  const id = idOf(channel);
  const batch = b.get(id) ?? channel.empty();
  channel.add(batch, deviceId, message, kind);
  b.set(id, batch);
}

/** The channel that reads a topic's messages: its own, or the catch-all of its channel (telemetry). */
export function channelFor(channels: readonly AnyChannel[], channel: string, kind?: string) {
  const exact = channels.find((c) => c.channel === channel && c.kind === kind);
  return (
    exact ??
    (kind ? channels.find((c) => c.channel === channel && c.kind === undefined) : undefined)
  );
}

/** Flushes stop() tries before giving up what is still batched. */
const STOP_ATTEMPTS = 40;

export interface IngestOptions {
  shared: boolean;
  flushMs?: number;
  log?: IngestLog;
}

export class FleetIngest {
  private batches = new Map<string, OrgBatch>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private readonly log: IngestLog;
  private readonly channels: readonly AnyChannel[] = registry().ingestChannels;
  private stopped = false;
  private readonly unknownSeen = new Set<string>();

  constructor(
    private readonly db: Db,
    private readonly channel: ControlChannel,
    private readonly opts: IngestOptions,
  ) {
    this.log = opts.log ?? ((level, msg, f) => ingestLog[level](msg, f));
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
      if (t.channel === "csr") {
        void this.renew(t.orgId, t.deviceId, decode(ZCsrRequest, payload).csr);
        return;
      }
      const channel = channelFor(this.channels, t.channel, t.kind);
      if (!channel || (channel.skipRetained && packet.retain)) return;
      const message = decode(channel.schema, payload, {
        onUnknown: (fields) => this.noteUnknown(t.identity, t.channel, fields),
      });
      const batch = this.batches.get(t.orgId) ?? newBatch();
      this.batches.set(t.orgId, batch);
      addToBatch(batch, channel, t.deviceId, message, t.kind);
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

  /**
   * A newer agent's fields are ignored, not refused (the protocol policy); said once per
   * device, channel and set of fields, so an operator sees agents ahead of the control plane.
   */
  private noteUnknown(device: string, channel: string, fields: string[]) {
    const key = `${device}/${channel}/${fields.join()}`;
    if (this.unknownSeen.has(key)) return;
    if (this.unknownSeen.size >= 10_000) this.unknownSeen.clear();
    this.unknownSeen.add(key);
    this.log("info", "ignored fields this control plane does not know", {
      device,
      channel,
      fields,
    });
  }

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
    const merged = newBatch();
    for (const channel of this.channels) {
      const id = idOf(channel);
      const [f, c] = [failed.get(id), cur.get(id)];
      if (f !== undefined || c !== undefined)
        merged.set(id, channel.merge(f ?? channel.empty(), c ?? channel.empty()));
    }
    this.batches.set(orgId, merged);
  }

  /** Writes an org's batch; false when its fleet lock was taken and nothing was written. */
  private async write(orgId: string, b: OrgBatch): Promise<boolean> {
    const presence = (b.get(idOf(presenceChannel)) ?? new Map()) as Map<string, Presence>;
    const cameOnline = [...presence].filter(([, p]) => p.online).map(([id]) => id);
    const written = await writeOrgBatch(this.db, orgId, b, this.log, this.channels);
    if (written === "busy") return false;
    // After the commit: a retry of this batch would do its work twice.
    for (const channel of this.channels) {
      const batch = b.get(idOf(channel));
      if (batch === undefined || !channel.afterCommit || channel.size(batch) === 0) continue;
      await channel.afterCommit(orgId, batch).catch((error: Error) =>
        this.log("warn", "after-commit work of an ingest channel failed", {
          orgId,
          channel: idOf(channel),
          error: error.message,
        }),
      );
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
            // The agent measures its clock against it; a first-release agent (no declared
            // capabilities) parses this message strictly, so it gets none.
            ...(device.capabilityVersion === null ? {} : { serverTime: new Date().toISOString() }),
          }),
        );
      });
    } catch (error) {
      this.log("warn", "certificate renewal failed", { deviceId, error: (error as Error).message });
    }
  }
}

/**
 * Writes one org's batch of reports in one transaction, channel by channel in registry
 * order; says whether a rollout advanced. The transaction first takes the org's fleet lock
 * (../fleet-lock.ts) without waiting for it: while a compile or another worker's batch
 * holds it, nothing is written and "busy" comes back, so the caller puts the batch back and
 * one busy org never holds up the flush of the others.
 */
export function writeOrgBatch(
  db: Db,
  orgId: string,
  b: OrgBatch,
  log: IngestLog,
  channels: readonly AnyChannel[] = registry().ingestChannels,
): Promise<{ advanced: boolean } | "busy"> {
  return withScope(db, { orgId }, async (tx) => {
    if (!(await tryLockOrgFleet(tx, orgId))) return "busy" as const;
    for (const channel of channels) {
      const batch = b.get(idOf(channel));
      if (batch !== undefined && channel.size(batch) > 0)
        await channel.write(tx, orgId, batch, log);
    }
    const states = b.get(idOf(stateChannel)) as Map<string, unknown> | undefined;
    const advanced = !!states?.size && (await progressRollouts(tx, orgId)).advanced.length > 0;
    return { advanced };
  });
}

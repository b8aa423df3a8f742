// What devices report, into the database. Every uplink channel is an ingest channel of some
// area (server/features.ts: the fleet's state, presence, heartbeats and telemetry, the
// overlay's reports, billing's usage); this class only decodes, batches and writes them.
// Messages are validated, then batched per org (a few ms) so that ten thousand acks cost a
// handful of statements; each batch also moves the org's rollouts along. A batch is written
// under the org's fleet lock (../fleet-lock.ts), and put back for the next flush while a
// compile holds it. Failures stay with whoever caused them: each org is written on its own;
// a batch the database refuses is narrowed down to the entry at fault, which is quarantined
// (./quarantine.ts) while the rest is written; a passing failure (no database) is retried
// with backoff; a message that fails its schema is quarantined too. Every worker subscribes
// through a shared subscription and gets a share of the devices' messages (Mosquitto's, or
// the embedded broker's own, across its cluster: broker/shared-subscriptions.ts).
import type { IPublishPacket } from "mqtt";
import {
  decode,
  deviceIdentity,
  MessageError,
  type Presence,
  parseTopic,
  type ReportedState,
  sharedFilter,
  TOPIC_ROOT,
  UPLINK,
  uplinkFilter,
  ZCsrRequest,
} from "../../../../protocol";
import { registry } from "../../../features";
import type { Db } from "../../../platform/db/client";
import type { IngestLog } from "../../../platform/features/contract";
import { log as baseLog } from "../../../platform/log/logger";
import {
  ingestMessages,
  ingestQuarantined,
  ingestRefused,
  ingestWritten,
} from "../../../platform/metrics/fleet";
import { boundedLabel, OTHER } from "../../../platform/metrics/labels";
import { tracingOn, withActiveSpan } from "../../../platform/tracing/spans";
import { publishPending } from "../compile/publish";
import { endIngestSpan, ingestSpansOf, traceReport } from "./ack-trace";
import type { ControlChannel } from "./control-channel";
import { presenceChannel, stateChannel } from "./core-channels";
import {
  type AnyChannel,
  addToBatch,
  batchOfEntry,
  channelFor,
  devicesOf,
  entriesOf,
  idOf,
  mergeBatches,
  newBatch,
  type OrgBatch,
  restrict,
} from "./org-batch";
import { type DeadLetter, isTransient, PerMinute, recordDeadLetters } from "./quarantine";
import { renewDeviceCert } from "./renew";
import { writeOrgBatch } from "./write-batch";

const ingestLog = baseLog.child({ component: "ingest" });

export type { OrgBatch } from "./org-batch";
export { addToBatch, channelFor, newBatch } from "./org-batch";
export { writeOrgBatch } from "./write-batch";

/** Flushes stop() tries before giving up what is still batched. */
const STOP_ATTEMPTS = 40;
/** The longest an org waits between retries while its writes fail for a passing reason. */
const RETRY_MAX_MS = 5000;
/** Refused messages recorded per org and flush; a device sending nothing else is cut off here. */
const REFUSED_PER_FLUSH = 100;
/** Refused messages logged and recorded per device and minute; the rest are dropped. */
const REFUSALS_PER_DEVICE_MINUTE = 20;

export interface IngestOptions {
  shared: boolean;
  flushMs?: number;
  log?: IngestLog;
}

export class FleetIngest {
  private batches = new Map<string, OrgBatch>();
  /** Orgs whose write is under way: their new reports wait, other orgs' do not. */
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Orgs whose last write failed for a passing reason: not before `at`. */
  private readonly backoff = new Map<string, { failures: number; at: number }>();
  /** Refused messages waiting to be recorded, per org. */
  private refused = new Map<string, DeadLetter[]>();
  private readonly refusals = new PerMinute(REFUSALS_PER_DEVICE_MINUTE);
  private timer: NodeJS.Timeout | undefined;
  private timerAt = 0;
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

  private get flushMs() {
    return this.opts.flushMs ?? 25;
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
    this.backoff.clear();
    for (let i = 0; i < STOP_ATTEMPTS; i++) {
      await this.flush();
      if (this.batches.size === 0 && this.inFlight.size === 0) return;
      await new Promise((r) => setTimeout(r, this.flushMs));
    }
  }

  private onMessage = (topic: string, payload: Buffer, packet: IPublishPacket) => {
    if (payload.length === 0) return; // a cleared retained message
    const t = parseTopic(topic);
    if (!t) return;
    const channelId = idOf(t);
    try {
      if (t.channel === "csr") {
        const { csr } = decode(ZCsrRequest, payload);
        void renewDeviceCert(this.db, this.channel, this.log, t.orgId, t.deviceId, csr);
        return;
      }
      const channel = channelFor(this.channels, t.channel, t.kind);
      if (!channel || (channel.skipRetained && packet.retain)) return;
      const message = decode(channel.schema, payload, {
        onUnknown: (fields) => this.noteUnknown(t.identity, t.channel, fields),
      });
      // A live report (not a retained copy replayed at subscribe) of a traced apply.
      if (channel === stateChannel && !packet.retain)
        traceReport(message as ReportedState, t.deviceId);
      const batch = this.batches.get(t.orgId) ?? newBatch();
      this.batches.set(t.orgId, batch);
      addToBatch(batch, channel, t.deviceId, message, t.kind);
      ingestMessages().inc({ channel: idOf(channel) });
      this.schedule();
    } catch (error) {
      if (!(error instanceof MessageError)) throw error;
      // A device sending nothing but bad messages is heard a few times a minute, not at
      // its own rate: the log and the dead letters stay readable and the database calm.
      const known = channelFor(this.channels, t.channel, t.kind);
      ingestRefused().inc({ channel: known ? idOf(known) : t.channel === "csr" ? "csr" : OTHER });
      if (!this.refusals.allow(t.identity)) return;
      this.log("warn", "refused a device message", {
        device: t.identity,
        channel: channelId,
        error: error.message,
      });
      this.refuse(t.orgId, {
        deviceId: t.deviceId,
        channel: channelId,
        reason: "refused",
        error: error.message,
        payload,
      });
    }
  };

  /** Keeps a refused message for the operator (a bounded number per org and flush). */
  private refuse(orgId: string, letter: DeadLetter) {
    const list = this.refused.get(orgId) ?? [];
    if (list.length >= REFUSED_PER_FLUSH) return;
    list.push(letter);
    this.refused.set(orgId, list);
    this.schedule();
  }

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

  /** Arms the flush timer for `delayMs` from now, unless it fires sooner already. */
  private schedule(delayMs = this.flushMs) {
    if (this.stopped) return;
    const at = Date.now() + delayMs;
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delayMs);
  }

  /**
   * Starts writing every org's batch that is not already being written or waiting out a
   * failure; resolves when those writes are done. Each org's write runs on its own, so a
   * slow or failing org never holds up another's.
   */
  async flush() {
    const letters = this.refused;
    this.refused = new Map();
    const quarantined = [...letters].map(([orgId, l]) => this.quarantine(orgId, l));
    const now = Date.now();
    for (const [orgId, b] of this.batches) {
      if (this.inFlight.has(orgId)) continue;
      const wait = this.backoff.get(orgId);
      if (wait && wait.at > now) {
        this.schedule(wait.at - now);
        continue;
      }
      this.batches.delete(orgId);
      const run = this.flushOrg(orgId, b).finally(() => {
        this.inFlight.delete(orgId);
        if (this.batches.has(orgId)) this.schedule();
      });
      this.inFlight.set(orgId, run);
    }
    await Promise.all([...quarantined, ...this.inFlight.values()]);
  }

  /**
   * Writes an org's batch. A failure that is not a passing one (the database refuses a
   * value) is narrowed down by halving the devices, then entry by entry: everything else
   * the org's devices sent is written, and only the entry at fault is quarantined.
   */
  private async flushOrg(orgId: string, b: OrgBatch) {
    const r = await this.attempt(orgId, b);
    if (r === "ok") {
      this.backoff.delete(orgId);
      return;
    }
    if (r === "busy") return this.putBack(orgId, b);
    if (await this.passing(r.error)) return this.retryLater(orgId, b, r.error);
    this.log("warn", "an org's reports failed to write; writing them device by device", {
      orgId,
      error: r.error.message,
    });
    await this.isolate(orgId, b, devicesOf(this.channels, b));
    this.backoff.delete(orgId);
  }

  /** Writes halves of `b` (which failed) until the device at fault is alone. */
  private async isolate(orgId: string, b: OrgBatch, devices: readonly string[]) {
    if (devices.length <= 1) return this.entryByEntry(orgId, b, devices[0] as string);
    const mid = devices.length >> 1;
    for (const half of [devices.slice(0, mid), devices.slice(mid)]) {
      const part = restrict(this.channels, b, new Set(half));
      if (await this.writeOrKeep(orgId, part)) await this.isolate(orgId, part, half);
    }
  }

  /** One device's entries, each written alone; the ones the database refuses are quarantined. */
  private async entryByEntry(orgId: string, b: OrgBatch, deviceId: string) {
    const letters: DeadLetter[] = [];
    for (const e of entriesOf(this.channels, b)) {
      const refused = await this.writeOrKeep(orgId, batchOfEntry(e));
      if (!refused) continue;
      endIngestSpan(e.message, refused);
      letters.push({
        deviceId,
        channel: idOf(e.channel),
        reason: "write_failed",
        error: refused.message,
        payload: Buffer.from(JSON.stringify(e.message)),
      });
    }
    await this.quarantine(orgId, letters);
  }

  /**
   * Writes part of a batch that failed; a part that fails for a passing reason (or finds the
   * org's lock taken) is put back for later. Returns the error when the database refused it.
   */
  private async writeOrKeep(orgId: string, part: OrgBatch): Promise<Error | undefined> {
    const r = await this.attempt(orgId, part);
    if (r === "ok") return undefined;
    if (r === "busy" || (await this.passing(r.error))) {
      this.putBack(orgId, part);
      return undefined;
    }
    return r.error;
  }

  /**
   * Records dead letters and clears the retained copy of each quarantined topic, so a
   * restart does not bring the message back. A device's next report of that kind (agents
   * report at every connect) takes its place.
   */
  private async quarantine(orgId: string, letters: readonly DeadLetter[]) {
    if (letters.length === 0) return;
    const known = new Set(this.channels.map(idOf));
    for (const l of letters) {
      ingestQuarantined().inc({
        channel: boundedLabel(l.channel, known),
        reason: boundedLabel(l.reason),
      });
      this.log("warn", "quarantined a device message", {
        orgId,
        deviceId: l.deviceId,
        channel: l.channel,
        reason: l.reason,
        error: l.error,
      });
    }
    await recordDeadLetters(this.db, orgId, letters).catch((error: Error) =>
      this.log("error", "could not record quarantined messages", { orgId, error: error.message }),
    );
    const topicsToClear = new Set(
      letters.map((l) => `${TOPIC_ROOT}/${deviceIdentity(orgId, l.deviceId)}/${l.channel}`),
    );
    for (const topic of topicsToClear)
      await this.channel.client
        .publishAsync(topic, Buffer.alloc(0), { qos: 1, retain: true })
        .catch(() => undefined);
  }

  /** Whether a failed write may succeed later as it is: a passing error, or no database. */
  private async passing(error: Error) {
    if (isTransient(error)) return true;
    try {
      await this.db.$queryRaw`SELECT 1`;
      return false;
    } catch {
      return true;
    }
  }

  /** Puts a batch back after a passing failure; the org waits longer after each. */
  private retryLater(orgId: string, b: OrgBatch, error: Error) {
    const failures = (this.backoff.get(orgId)?.failures ?? 0) + 1;
    const delay = Math.min(RETRY_MAX_MS, this.flushMs * 2 ** Math.min(failures, 10));
    this.backoff.set(orgId, { failures, at: Date.now() + delay });
    if (failures === 1 || failures % 20 === 0)
      this.log("error", "fleet ingest write failed; will retry", {
        orgId,
        failures,
        error: error.message,
      });
    this.putBack(orgId, b);
  }

  /** Puts a batch back for the next flush; reports that arrived since win over it. */
  private putBack(orgId: string, failed: OrgBatch) {
    const cur = this.batches.get(orgId) ?? newBatch();
    this.batches.set(orgId, mergeBatches(this.channels, failed, cur));
    this.schedule();
  }

  /**
   * Writes a batch and does its after-commit work; "busy" when the org's lock was taken.
   * Traced reports in it end their ingest spans once written; the write, and what it
   * publishes next (a rollout's next stage), go into the first one's trace.
   */
  private attempt(orgId: string, b: OrgBatch): Promise<"ok" | "busy" | { error: Error }> {
    if (!tracingOn()) return this.write(orgId, b);
    const messages = entriesOf(this.channels, b).map((e) => e.message);
    return withActiveSpan(ingestSpansOf(messages)[0], async () => {
      const r = await this.write(orgId, b);
      if (r === "ok") for (const m of messages) endIngestSpan(m);
      return r;
    });
  }

  private async write(orgId: string, b: OrgBatch): Promise<"ok" | "busy" | { error: Error }> {
    let written: Awaited<ReturnType<typeof writeOrgBatch>>;
    try {
      written = await writeOrgBatch(this.db, orgId, b, this.log, this.channels);
    } catch (error) {
      return { error: error instanceof Error ? error : new Error(String(error)) };
    }
    if (written === "busy") return "busy";
    for (const e of entriesOf(this.channels, b)) ingestWritten().inc({ channel: idOf(e.channel) });
    await this.afterWrite(orgId, b, written.advanced).catch((error: Error) =>
      this.log("warn", "after-commit work of the ingest failed", { orgId, error: error.message }),
    );
    return "ok";
  }

  /** After the commit: a retry of the batch would do this work twice. */
  private async afterWrite(orgId: string, b: OrgBatch, advanced: boolean) {
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
    const presence = (b.get(idOf(presenceChannel)) ?? new Map()) as Map<string, Presence>;
    const cameOnline = [...presence].filter(([, p]) => p.online).map(([id]) => id);
    if (advanced) await publishPending(this.db, orgId);
    else if (cameOnline.length) await publishPending(this.db, orgId, cameOnline);
  }
}

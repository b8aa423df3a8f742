// One org's batched reports, channel by channel, and the ways the ingest cuts one up when a
// write fails: by device (to find the device at fault by halving) and down to single
// entries (to quarantine only the entry the database refuses).
import type { IngestChannel } from "../../../platform/features/contract";

// biome-ignore lint/suspicious/noExplicitAny: each channel has its own message and batch
export type AnyChannel = IngestChannel<any, any>;

/** One org's batched reports: each channel's batch, by channel id. */
export type OrgBatch = Map<string, unknown>;
export const newBatch = (): OrgBatch => new Map();

export const idOf = (c: { channel: string; kind?: string }) =>
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

/** Merges two batches of one org; `later`'s reports win where a channel keeps the latest. */
export function mergeBatches(
  channels: readonly AnyChannel[],
  earlier: OrgBatch,
  later: OrgBatch,
): OrgBatch {
  const merged = newBatch();
  for (const channel of channels) {
    const id = idOf(channel);
    const [e, l] = [earlier.get(id), later.get(id)];
    if (e !== undefined || l !== undefined)
      merged.set(id, channel.merge(e ?? channel.empty(), l ?? channel.empty()));
  }
  return merged;
}

/** One entry of a batch: a single device's message (or item) on one channel. */
export interface BatchEntry {
  channel: AnyChannel;
  deviceId: string;
  /** A batch of the channel holding this entry alone. */
  batch: unknown;
  message: unknown;
}

/** Every entry of an org's batch, channel by channel. */
export function entriesOf(channels: readonly AnyChannel[], b: OrgBatch): BatchEntry[] {
  const out: BatchEntry[] = [];
  for (const channel of channels) {
    const batch = b.get(idOf(channel));
    if (batch === undefined) continue;
    for (const e of channel.entries(batch)) out.push({ channel, ...e });
  }
  return out;
}

/** The devices that have something in the batch, sorted (a stable order to halve). */
export const devicesOf = (channels: readonly AnyChannel[], b: OrgBatch) =>
  [...new Set(entriesOf(channels, b).map((e) => e.deviceId))].sort();

/** The part of a batch that `devices` sent. */
export function restrict(
  channels: readonly AnyChannel[],
  b: OrgBatch,
  devices: ReadonlySet<string>,
): OrgBatch {
  const out = newBatch();
  for (const e of entriesOf(channels, b)) {
    if (!devices.has(e.deviceId)) continue;
    const id = idOf(e.channel);
    out.set(id, e.channel.merge(out.get(id) ?? e.channel.empty(), e.batch));
  }
  return out;
}

/** A batch of one entry. */
export const batchOfEntry = (e: BatchEntry): OrgBatch => new Map([[idOf(e.channel), e.batch]]);

// The two shapes most ingest channels take (contract.ts, IngestChannel): keep each device's
// newest message, or keep every item in arrival order up to a bound.
import type { z } from "zod";
import type { Tx } from "../db/client";
import type { IngestChannel, IngestLog } from "./contract";

interface ChannelBase<M> {
  channel: string;
  kind?: string;
  schema: z.ZodType<M>;
  skipRetained?: boolean;
}

/** Each device's newest message (a status, cumulative counters): older ones add nothing. */
export function latestPerDevice<M>(
  def: ChannelBase<M> & {
    write(tx: Tx, orgId: string, latest: ReadonlyMap<string, M>, log: IngestLog): Promise<void>;
    afterCommit?(orgId: string, latest: ReadonlyMap<string, M>): Promise<void>;
  },
): IngestChannel<M, Map<string, M>> {
  return {
    ...def,
    empty: () => new Map(),
    add: (batch, deviceId, message) => void batch.set(deviceId, message),
    size: (batch) => batch.size,
    merge: (failed, current) => new Map([...failed, ...current]),
    entries: (batch) =>
      [...batch].map(([deviceId, message]) => ({
        deviceId,
        batch: new Map([[deviceId, message]]),
        message,
      })),
  };
}

/**
 * Every item of every message (measurements, events), in arrival order. While writes fail,
 * items wait in memory up to `max`; beyond it the oldest go first.
 */
export function everyItem<M, I>(
  def: ChannelBase<M> & {
    max: number;
    items(message: M): readonly I[];
    write(tx: Tx, orgId: string, items: readonly [string, I][], log: IngestLog): Promise<void>;
    afterCommit?(orgId: string, items: readonly [string, I][]): Promise<void>;
  },
): IngestChannel<M, [string, I][]> {
  return {
    ...def,
    empty: () => [],
    add: (batch, deviceId, message) => {
      for (const item of def.items(message)) batch.push([deviceId, item]);
    },
    size: (batch) => batch.length,
    merge: (failed, current) => [...failed, ...current].slice(-def.max),
    entries: (batch) =>
      batch.map(([deviceId, item]) => ({ deviceId, batch: [[deviceId, item]], message: item })),
  };
}

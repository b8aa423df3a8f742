// Quarantine: where a device's message goes when the control plane cannot take it, so that
// one device's bad message never holds up the rest of its org (docs/fleet.md, "Failure
// handling"). A dead letter keeps the device, the channel, the payload's first bytes and
// the error, for the operator; the device gets a "quarantined_messages" alert.
import { createHash, randomUUID } from "node:crypto";
import { cleanTextOf } from "../../../../protocol/text";
import type { Db } from "../../../platform/db/client";
import { withScope } from "../../../platform/db/with-tenant";

/** Bytes of a payload kept for the operator. */
const PAYLOAD_KEEP = 4096;
/** Dead letters kept per device (newest first); older ones are dropped. */
const KEEP_PER_DEVICE = 50;

export interface DeadLetter {
  deviceId: string;
  /** The uplink channel (with its kind: `telemetry/usage`). */
  channel: string;
  reason: "refused" | "write_failed";
  error: string;
  payload: Buffer;
}

/** Text PostgreSQL stores and a person reads. */
const cleanError = (message: string) => cleanTextOf(message.slice(0, 1000));

/**
 * Records dead letters of one org in their own short transaction, so they can never fail
 * the batch they came out of. Letters of devices that are not the org's (deleted since)
 * are dropped. Idempotent for a repeated payload: its count rises.
 */
export async function recordDeadLetters(db: Db, orgId: string, letters: readonly DeadLetter[]) {
  if (letters.length === 0) return;
  await withScope(db, { orgId }, async (tx) => {
    for (const l of letters) {
      const digest = createHash("sha256").update(l.payload).digest("hex");
      const kept = l.payload.subarray(0, PAYLOAD_KEEP);
      const error = cleanError(l.error);
      await tx.$executeRaw`
        INSERT INTO device_dead_letters
          (id, "orgId", "deviceId", channel, reason, error, digest, payload, size)
        SELECT ${`dl_${randomUUID()}`},
               d."orgId", d.id, ${l.channel}, ${l.reason}, ${error}, ${digest}, ${kept}, ${l.payload.length}
        FROM devices d WHERE d.id = ${l.deviceId} AND d."orgId" = ${orgId}
        ON CONFLICT ("deviceId", channel, digest)
        DO UPDATE SET count = device_dead_letters.count + 1, "lastAt" = now(),
                      error = EXCLUDED.error, reason = EXCLUDED.reason`;
    }
    const devices = [...new Set(letters.map((l) => l.deviceId))];
    await tx.$executeRaw`
      DELETE FROM device_dead_letters x
      WHERE x."orgId" = ${orgId} AND x."deviceId" = ANY(${devices}::text[])
        AND x.id NOT IN (
          SELECT k.id FROM device_dead_letters k WHERE k."deviceId" = x."deviceId"
          ORDER BY k."lastAt" DESC LIMIT ${KEEP_PER_DEVICE})`;
    for (const deviceId of devices) {
      const mine = letters.filter((l) => l.deviceId === deviceId);
      const last = mine[mine.length - 1] as DeadLetter;
      const detail = { channel: last.channel, reason: last.reason, error: cleanError(last.error) };
      await tx.$executeRaw`
        INSERT INTO device_alerts ("orgId", "deviceId", kind, detail, count)
        SELECT d."orgId", d.id, 'quarantined_messages', ${JSON.stringify(detail)}::jsonb, ${mine.length}
        FROM devices d WHERE d.id = ${deviceId} AND d."orgId" = ${orgId}
        ON CONFLICT ("deviceId", kind)
        DO UPDATE SET count = device_alerts.count + EXCLUDED.count, "lastAt" = now(),
                      detail = EXCLUDED.detail`;
    }
  });
}

/** SQLSTATE classes and codes that say "try again", not "this data is wrong". */
const TRANSIENT_STATES = /^(08|40|53|57)|^55P03$|^55006$/;
/** Prisma's codes for a database it cannot reach, a pool or transaction that timed out. */
const TRANSIENT_PRISMA = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2028", "P2034"]);
const TRANSIENT_NODE = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND"]);

interface ErrorShape {
  code?: string;
  meta?: { driverAdapterError?: { cause?: { originalCode?: string; kind?: string } } };
  cause?: unknown;
}

/** The SQLSTATE behind a Prisma or pg error, when there is one. */
export function sqlStateOf(error: unknown): string | undefined {
  const e = error as ErrorShape | undefined;
  const fromAdapter = e?.meta?.driverAdapterError?.cause?.originalCode;
  if (fromAdapter) return fromAdapter;
  if (e?.code && /^[0-9A-Z]{5}$/.test(e.code) && !e.code.startsWith("P")) return e.code;
  return e?.cause ? sqlStateOf(e.cause) : undefined;
}

/**
 * Whether a failed write may succeed as it is, later (the database is away, busy or
 * timed out), rather than failing on what was written. Only a failure that is not
 * transient sends the ingest looking for the entry at fault.
 */
export function isTransient(error: unknown): boolean {
  const state = sqlStateOf(error);
  if (state) return TRANSIENT_STATES.test(state);
  let e = error as ErrorShape | undefined;
  for (let depth = 0; e && depth < 5; depth++, e = e.cause as ErrorShape | undefined) {
    if (e.code && (TRANSIENT_PRISMA.has(e.code) || TRANSIENT_NODE.has(e.code))) return true;
    const kind = e.meta?.driverAdapterError?.cause?.kind;
    if (kind && /Connection|NotReachable|Timeout|TooManyConnections/i.test(kind)) return true;
  }
  return false;
}

/** Counts events per key in the current minute; forgets every key when the minute turns. */
export class PerMinute {
  private minute = 0;
  private counts = new Map<string, number>();
  constructor(private readonly limit: number) {}
  allow(key: string) {
    const minute = Math.floor(Date.now() / 60_000);
    if (minute !== this.minute) {
      this.minute = minute;
      this.counts = new Map();
    }
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    return n <= this.limit;
  }
}

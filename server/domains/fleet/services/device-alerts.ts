// A device's alerts (quarantined messages, a cloned identity) and its quarantined messages,
// as the portal shows them; an operator dismisses an alert once dealt with.
import { cleanTextOf, isCleanText } from "../../../../protocol/text";
import { type Actor, writeAudit } from "../../../platform/audit/write-audit";
import type { Tx } from "../../../platform/db/client";
import { notFound } from "../../../platform/errors";
import { keysetArgs, type PageQuery, pageOf } from "../../../platform/pagination";
import type { TenantContext } from "../../../platform/tenancy/resolve-membership";
import type { DeviceAlertView } from "../schemas";

/** What a device row selects for its alerts. */
export const alertSelect = {
  alerts: {
    select: { kind: true, count: true, firstAt: true, lastAt: true, detail: true },
    orderBy: { lastAt: "desc" },
  },
} as const;

const texts = (v: unknown) =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === "string" && isCleanText(x)) : [];
const text = (v: unknown) => (typeof v === "string" && isCleanText(v) ? v : null);

export function alertView(a: {
  kind: string;
  count: number;
  firstAt: Date;
  lastAt: Date;
  detail: unknown;
}): DeviceAlertView {
  const d = (a.detail ?? {}) as Record<string, unknown>;
  return {
    kind: a.kind as DeviceAlertView["kind"],
    count: a.count,
    firstAt: a.firstAt,
    lastAt: a.lastAt,
    addresses: texts(d.addresses),
    channel: text(d.channel),
    error: text(d.error),
  };
}

/** Readable text of a payload's first bytes. */
const preview = (payload: Uint8Array) =>
  cleanTextOf(Buffer.from(payload).subarray(0, 512).toString("utf8"));

/** One page of the device's quarantined messages (the newest 50 are kept). */
export async function listDeadLetters(tx: Tx, orgId: string, deviceId: string, query: PageQuery) {
  const device = await tx.device.findUnique({
    where: { id: deviceId, orgId },
    select: { id: true },
  });
  if (!device) throw notFound("Device");
  const { where: past, ...args } = keysetArgs(query);
  const rows = await tx.deviceDeadLetter.findMany({
    where: { orgId, deviceId, ...past },
    ...args,
  });
  return pageOf(rows, query, (r) => ({
    id: r.id,
    channel: r.channel,
    reason: r.reason as "refused" | "write_failed",
    error: r.error,
    preview: preview(r.payload),
    size: r.size,
    count: r.count,
    firstAt: r.firstAt,
    lastAt: r.lastAt,
  }));
}

/** Dismisses an alert; dismissing quarantined messages also drops the messages kept. */
export async function dismissAlert(
  tx: Tx,
  actor: Actor,
  tenant: TenantContext,
  deviceId: string,
  kind: DeviceAlertView["kind"],
) {
  const { orgId } = tenant;
  const device = await tx.device.findUnique({
    where: { id: deviceId, orgId },
    select: { hostname: true },
  });
  if (!device) throw notFound("Device");
  const { count } = await tx.deviceAlert.deleteMany({ where: { orgId, deviceId, kind } });
  if (kind === "quarantined_messages")
    await tx.deviceDeadLetter.deleteMany({ where: { orgId, deviceId } });
  if (count > 0)
    await writeAudit(tx, actor, {
      orgId,
      action: "device.alert.dismiss",
      targetType: "device",
      targetId: deviceId,
      before: { kind, hostname: device.hostname },
    });
}

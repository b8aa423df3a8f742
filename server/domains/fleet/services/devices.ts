// Devices: listing with desired vs applied revision, approval of pending enrollments,
// rejection, and revocation (the broker refuses the device at once).

import { deviceIdentity } from "../../../../protocol";
import { type Actor, writeAudit } from "../../../platform/audit/write-audit";
import type { Prisma, Tx } from "../../../platform/db/client";
import { afterCommit } from "../../../platform/db/with-tenant";
import { AppError, notFound } from "../../../platform/errors";
import { emitEvent } from "../../../platform/events/emit-event";
import { keysetArgs, type PageQuery, pageOf } from "../../../platform/pagination";
import { BROKER_AFTER_COMMIT_MS, settleWithin } from "../../../platform/settle";
import type { TenantContext } from "../../../platform/tenancy/resolve-membership";
import { assertQuota } from "../../billing";
import { getControlChannel } from "../channel/control-channel";
import { desireCompiled, publishAfterCommit } from "../compile/publish";
import { issueDeviceCert, revokeDeviceCerts } from "../enrollment/org-ca";
import { lockOrgFleet } from "../fleet-lock";
import { bumpRevision } from "../intent/revision";
import { alertSelect, alertView } from "./device-alerts";

const view = {
  id: true,
  siteId: true,
  hostname: true,
  status: true,
  tags: true,
  agentVersion: true,
  missingSections: true,
  online: true,
  lastSeenAt: true,
  desiredRevision: true,
  reportedRevision: true,
  attemptedRevision: true,
  applyStatus: true,
  lastError: true,
  appliedAt: true,
  certNotAfter: true,
  createdAt: true,
  clockOffsetMs: true,
  clockCheckedAt: true,
} as const;

/** BigInt in the table (±10 years of ms exceeds int4); well within a double's integers. */
const withClock = <T extends { clockOffsetMs: bigint | null }>(d: T) => ({
  ...d,
  clockOffsetMs: d.clockOffsetMs === null ? null : Number(d.clockOffsetMs),
});

export interface DeviceFilter {
  q?: string;
  siteId?: string;
  status?: "pending" | "active" | "rejected" | "revoked";
  online?: boolean;
  inSync?: boolean;
}

/** The `where` of `inSync` below, in SQL: a column compared with another. */
function inSyncWhere(tx: Tx, wanted: boolean | undefined): Prisma.DeviceWhereInput {
  if (wanted === undefined) return {};
  const applied = { reportedRevision: { gte: tx.device.fields.desiredRevision } };
  return wanted
    ? { status: "active", ...applied }
    : { OR: [{ status: { not: "active" } }, { NOT: applied }] };
}

/** One page of the org's devices, filtered by hostname, site, status, presence and sync. */
export async function listDevices(tx: Tx, orgId: string, query: PageQuery & DeviceFilter) {
  const { where: past, ...args } = keysetArgs(query, { nullable: query.sort === "lastSeenAt" });
  const matching: Prisma.DeviceWhereInput = {
    orgId,
    ...(query.q ? { hostname: { contains: query.q, mode: "insensitive" } } : {}),
    ...(query.siteId ? { siteId: query.siteId } : {}),
    ...(query.status ? { status: query.status } : {}),
    ...(query.online !== undefined ? { online: query.online } : {}),
    ...inSyncWhere(tx, query.inSync),
  };
  const rows = await tx.device.findMany({
    // The cursor's condition, after the filters: an AND of both (either may hold an OR).
    where: { ...matching, ...(past ? { AND: [past] } : {}) },
    select: { ...view, ...alertSelect, site: { select: { name: true } } },
    ...args,
  });
  const total = await tx.device.count({ where: matching });
  return pageOf(
    rows,
    query,
    ({ site, alerts, ...d }) => ({
      ...withClock(d),
      siteName: site.name,
      inSync: inSync(d),
      alerts: alerts.map(alertView),
    }),
    total,
  );
}

function inSync(d: { desiredRevision: number; reportedRevision: number; status: string }) {
  return d.status === "active" && d.reportedRevision >= d.desiredRevision;
}

export async function getDevice(tx: Tx, orgId: string, deviceId: string) {
  const d = await tx.device.findUnique({
    where: { id: deviceId, orgId },
    select: { ...view, ...alertSelect, site: { select: { name: true } } },
  });
  if (!d) throw notFound("Device");
  const { site, alerts, ...rest } = d;
  return {
    ...withClock(rest),
    siteName: site.name,
    inSync: inSync(rest),
    alerts: alerts.map(alertView),
  };
}

async function requireDevice(tx: Tx, orgId: string, deviceId: string) {
  const d = await tx.device.findUnique({ where: { id: deviceId, orgId } });
  if (!d) throw notFound("Device");
  return d;
}

export async function approveDevice(tx: Tx, actor: Actor, tenant: TenantContext, deviceId: string) {
  const d = await requireDevice(tx, tenant.orgId, deviceId);
  if (d.status !== "pending") throw new AppError("CONFLICT", `The device is ${d.status}`);
  if (!d.pendingCsr) throw new AppError("CONFLICT", "The device sent no certificate request");
  // The pending device already counts toward the limit: approving it adds nothing, but is
  // refused when the org is over its limit (a downgrade) or read-only.
  await assertQuota(tx, tenant.orgId, "devices", 0);
  await tx.device.update({
    where: { id: d.id, orgId: tenant.orgId },
    data: { status: "active", approvedAt: new Date(), pendingCsr: null },
  });
  await issueDeviceCert(tx, tenant.orgId, d.id, d.pendingCsr, deviceIdentity(tenant.orgId, d.id));
  await desireCompiled(tx, tenant.orgId, [d.id]);
  await writeAudit(tx, actor, {
    orgId: tenant.orgId,
    action: "device.approve",
    targetType: "device",
    targetId: d.id,
  });
  await emitEvent(tx, tenant.orgId, "device.enrolled", {
    deviceId: d.id,
    siteId: d.siteId,
    hostname: d.hostname,
  });
  await publishAfterCommit(tx, tenant.orgId);
}

export async function rejectDevice(tx: Tx, actor: Actor, tenant: TenantContext, deviceId: string) {
  const d = await requireDevice(tx, tenant.orgId, deviceId);
  if (d.status !== "pending") throw new AppError("CONFLICT", `The device is ${d.status}`);
  await tx.device.update({
    where: { id: d.id, orgId: tenant.orgId },
    data: { status: "rejected", pendingCsr: null },
  });
  await writeAudit(tx, actor, {
    orgId: tenant.orgId,
    action: "device.reject",
    targetType: "device",
    targetId: d.id,
  });
}

export async function revokeDevice(tx: Tx, actor: Actor, tenant: TenantContext, deviceId: string) {
  // The device row, then maybe the revision: after the fleet's other writers (fleet-lock.ts).
  await lockOrgFleet(tx, tenant.orgId);
  const d = await requireDevice(tx, tenant.orgId, deviceId);
  if (d.status === "revoked") return;
  await tx.device.update({
    where: { id: d.id, orgId: tenant.orgId },
    data: { status: "revoked", revokedAt: new Date(), online: false, pollTokenHash: null },
  });
  await revokeDeviceCerts(tx, tenant.orgId, d.id);
  await writeAudit(tx, actor, {
    orgId: tenant.orgId,
    action: "device.revoke",
    targetType: "device",
    targetId: d.id,
    before: { status: d.status },
  });
  // A revoked tunnel end: its peers must drop it (or take the site's next device).
  if (d.status === "active" && d.overlayPublicKey) {
    const links = await tx.wanLink.count({
      where: { orgId: tenant.orgId, siteId: d.siteId, enabled: true },
    });
    if (links > 0)
      await bumpRevision(tx, tenant.orgId, actor, `device ${d.hostname} revoked (overlay peer)`, {
        allowReadOnly: true,
      });
  }
  const identity = deviceIdentity(tenant.orgId, d.id);
  await afterCommit(tx, () =>
    settleWithin(
      getControlChannel().then((channel) => channel.clearDevice(identity)),
      BROKER_AFTER_COMMIT_MS,
    ),
  );
}

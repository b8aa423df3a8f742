// Devices: listing with desired vs applied revision, approval of pending enrollments,
// rejection, and revocation (the broker refuses the device at once).

import { deviceIdentity } from "../../../../protocol";
import { type Actor, writeAudit } from "../../../platform/audit/write-audit";
import type { Tx } from "../../../platform/db/client";
import { getDb } from "../../../platform/db/client";
import { afterCommit } from "../../../platform/db/with-tenant";
import { AppError, notFound } from "../../../platform/errors";
import { BROKER_AFTER_COMMIT_MS, settleWithin } from "../../../platform/settle";
import type { TenantContext } from "../../../platform/tenancy/resolve-membership";
import { assertQuota } from "../../billing";
import { getControlChannel } from "../channel/control-channel";
import { desireCompiled, publishPending } from "../compile/publish";
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

export async function listDevices(tx: Tx, orgId: string, siteId?: string) {
  const rows = await tx.device.findMany({
    where: { orgId, ...(siteId ? { siteId } : {}) },
    select: { ...view, ...alertSelect, site: { select: { name: true } } },
    orderBy: [{ createdAt: "desc" }],
    take: 500,
  });
  return rows.map(({ site, alerts, ...d }) => ({
    ...withClock(d),
    siteName: site.name,
    inSync: inSync(d),
    alerts: alerts.map(alertView),
  }));
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
  await afterCommit(tx, () =>
    settleWithin(publishPending(getDb(), tenant.orgId), BROKER_AFTER_COMMIT_MS),
  );
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

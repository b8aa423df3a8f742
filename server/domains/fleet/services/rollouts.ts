// Rollouts as the portal shows them, the org's rollout settings, and one-click rollback:
// restore the intent of the revision before a rollout, as a new revision (agents never
// go back in revision numbers; they go forward to the old content).

import { parseIntent, registry } from "../../../features";
import { type Actor, writeAudit } from "../../../platform/audit/write-audit";
import type { Tx } from "../../../platform/db/client";
import { AppError, notFound } from "../../../platform/errors";
import { keysetArgs, type PageQuery, pageOf } from "../../../platform/pagination";
import type { TenantContext } from "../../../platform/tenancy/resolve-membership";
import { assertWritable } from "../../billing";
import { publishAfterCommit } from "../compile/publish";
import { lockOrgFleet } from "../fleet-lock";
import { bumpRevision, READ_ONLY_OK } from "../intent/revision";
import { snapshotBefore } from "../intent/snapshots";
import { advance } from "../rollout/progress";

export async function fleetStatus(tx: Tx, orgId: string) {
  const fr = await tx.fleetRevision.findUnique({ where: { orgId } });
  const devices = await tx.device.groupBy({
    by: ["status", "online"],
    where: { orgId },
    _count: { _all: true },
  });
  const count = (f: (d: (typeof devices)[number]) => boolean) =>
    devices.filter(f).reduce((n, d) => n + d._count._all, 0);
  return {
    revision: fr?.revision ?? 0,
    compiled: fr?.compiled ?? 0,
    canaryPercent: fr?.canaryPercent ?? 10,
    failureThreshold: fr?.failureThreshold ?? 1,
    devices: {
      active: count((d) => d.status === "active"),
      online: count((d) => d.status === "active" && d.online),
      pending: count((d) => d.status === "pending"),
    },
  };
}

export async function updateRolloutSettings(
  tx: Tx,
  actor: Actor,
  tenant: TenantContext,
  input: { canaryPercent: number; failureThreshold: number },
) {
  await assertWritable(tx, tenant.orgId);
  await tx.fleetRevision.upsert({
    where: { orgId: tenant.orgId },
    create: { orgId: tenant.orgId, ...input },
    update: input,
  });
  await writeAudit(tx, actor, {
    orgId: tenant.orgId,
    action: "rollout.settings",
    targetType: "org",
    targetId: tenant.orgId,
    after: input,
  });
}

const summary = {
  id: true,
  revision: true,
  status: true,
  succeeded: true,
  failed: true,
  failureThreshold: true,
  haltReason: true,
  isRollback: true,
  startedAt: true,
  finishedAt: true,
  deviceIds: true,
  canaryIds: true,
} as const;

/** One page of the org's rollouts. */
type RolloutStatus = "canary" | "rolling" | "completed" | "halted" | "superseded";

export async function listRollouts(
  tx: Tx,
  orgId: string,
  query: PageQuery & { status?: RolloutStatus },
) {
  const { where: past, ...args } = keysetArgs(query);
  const matching = { orgId, ...(query.status ? { status: query.status } : {}) };
  const rows = await tx.rollout.findMany({
    where: { ...matching, ...past },
    ...args,
    select: summary,
  });
  const count = await tx.rollout.count({ where: matching });
  return pageOf(
    rows,
    query,
    ({ deviceIds, canaryIds, ...r }) => ({
      ...r,
      total: deviceIds.length,
      canary: canaryIds.length,
    }),
    count,
  );
}

export async function getRollout(tx: Tx, orgId: string, rolloutId: string) {
  const r = await tx.rollout.findUnique({ where: { id: rolloutId, orgId }, select: summary });
  if (!r) throw notFound("Rollout");
  const devices = await tx.device.findMany({
    where: { orgId, id: { in: r.deviceIds } },
    select: {
      id: true,
      hostname: true,
      online: true,
      desiredRevision: true,
      reportedRevision: true,
      attemptedRevision: true,
      applyStatus: true,
      lastError: true,
      site: { select: { name: true } },
    },
    orderBy: { hostname: "asc" },
    take: 500,
  });
  const canary = new Set(r.canaryIds);
  const { deviceIds, canaryIds, ...rest } = r;
  return {
    ...rest,
    total: deviceIds.length,
    canary: canaryIds.length,
    devices: devices.map(({ site, ...d }) => ({
      ...d,
      siteName: site.name,
      isCanary: canary.has(d.id),
      state:
        d.reportedRevision >= r.revision
          ? ("applied" as const)
          : d.attemptedRevision === r.revision && d.applyStatus !== "applied"
            ? ("failed" as const)
            : d.desiredRevision >= r.revision
              ? ("pending" as const)
              : ("waiting" as const),
    })),
  };
}

/**
 * Promotes a rollout still in its canary stage: the rest of its devices get the revision
 * now, without waiting for every canary to answer. Only a canary stage can be promoted: a
 * halted rollout is rolled back (or fixed by a new change), a finished one has no next stage.
 */
export async function promoteRollout(
  tx: Tx,
  actor: Actor,
  tenant: TenantContext,
  rolloutId: string,
) {
  // Moves device rows, as the ingest's progress does: after the fleet lock (fleet-lock.ts).
  await lockOrgFleet(tx, tenant.orgId);
  const r = await tx.rollout.findUnique({
    where: { id: rolloutId, orgId: tenant.orgId },
    select: { id: true, revision: true, status: true },
  });
  if (!r) throw notFound("Rollout");
  if (r.status !== "canary")
    throw new AppError("CONFLICT", `The rollout is ${r.status}: only a canary stage is promoted`);
  await advance(tx, tenant.orgId, r);
  await writeAudit(tx, actor, {
    orgId: tenant.orgId,
    action: "rollout.promote",
    targetType: "rollout",
    targetId: r.id,
    after: { revision: r.revision },
  });
  await publishAfterCommit(tx, tenant.orgId);
  return getRollout(tx, tenant.orgId, r.id);
}

export async function rollback(tx: Tx, actor: Actor, tenant: TenantContext, rolloutId: string) {
  const r = await tx.rollout.findUnique({ where: { id: rolloutId, orgId: tenant.orgId } });
  if (!r) throw notFound("Rollout");
  const previous = await snapshotBefore(tx, tenant.orgId, r.revision);
  if (!previous) throw new AppError("CONFLICT", "There is no earlier revision to go back to");
  await restoreIntent(tx, tenant.orgId, previous.raw);
  await writeAudit(tx, actor, {
    orgId: tenant.orgId,
    action: "rollout.rollback",
    targetType: "rollout",
    targetId: r.id,
    after: { from: r.revision, to: previous.revision },
  });
  const revision = await bumpRevision(
    tx,
    tenant.orgId,
    actor,
    `rollback of revision ${r.revision} to ${previous.revision}`,
    READ_ONLY_OK,
  );
  return { revision, restored: previous.revision };
}

/**
 * Makes the intent tables say what a snapshot says, section by section in registry order
 * (server/features.ts). Sites are kept: a rollback never deletes a site or its devices, and
 * rows naming a site that is gone are dropped. A section the snapshot predates is left as
 * it is rather than wiped.
 */
async function restoreIntent(tx: Tx, orgId: string, raw: Record<string, unknown>) {
  const intent = parseIntent(raw);
  const liveSites = new Set(
    (await tx.site.findMany({ where: { orgId }, select: { id: true } })).map((s) => s.id),
  );
  const parts = intent as unknown as Record<string, unknown>;
  for (const section of registry().intentSections) {
    await section.restore?.(tx, orgId, {
      value: parts[section.key],
      present: raw[section.key] !== undefined,
      intent: parts,
      raw,
      liveSites,
    });
  }
}

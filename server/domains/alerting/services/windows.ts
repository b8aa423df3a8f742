// Maintenance windows: while one covers a site (or the whole org), incidents there open
// suppressed and notify nobody.
import { type Actor, writeAudit } from "../../../platform/audit/write-audit";
import type { Tx } from "../../../platform/db/client";
import { AppError, notFound } from "../../../platform/errors";
import { auditJson } from "./audit-json";

const MAX_DAYS = 31;
const view = (w: {
  id: string;
  name: string;
  siteIds: string[];
  startsAt: Date;
  endsAt: Date;
  createdAt: Date;
}) => ({
  id: w.id,
  name: w.name,
  siteIds: w.siteIds,
  startsAt: w.startsAt,
  endsAt: w.endsAt,
  createdAt: w.createdAt,
});

export async function listWindows(tx: Tx, orgId: string) {
  const rows = await tx.maintenanceWindow.findMany({
    where: { orgId, endsAt: { gt: new Date(Date.now() - 7 * 86_400_000) } },
    orderBy: [{ startsAt: "asc" }, { id: "asc" }],
  });
  return rows.map(view);
}

export async function createWindow(
  tx: Tx,
  actor: Actor,
  orgId: string,
  input: { name: string; siteIds: string[]; startsAt: Date; endsAt: Date },
) {
  if (input.endsAt <= input.startsAt)
    throw new AppError("BAD_REQUEST", "endsAt: the window must end after it starts");
  if (input.endsAt.getTime() - input.startsAt.getTime() > MAX_DAYS * 86_400_000)
    throw new AppError("BAD_REQUEST", `endsAt: a window lasts at most ${MAX_DAYS} days`);
  if (input.endsAt <= new Date())
    throw new AppError("BAD_REQUEST", "endsAt: the window is already over");
  const siteIds = [...new Set(input.siteIds)];
  if (
    siteIds.length &&
    (await tx.site.count({ where: { orgId, id: { in: siteIds } } })) !== siteIds.length
  )
    throw notFound("Site");
  const w = await tx.maintenanceWindow.create({ data: { orgId, ...input, siteIds } });
  await writeAudit(tx, actor, {
    orgId,
    action: "maintenance_window.create",
    targetType: "maintenance_window",
    targetId: w.id,
    after: auditJson(view(w)),
  });
  return view(w);
}

export async function deleteWindow(tx: Tx, actor: Actor, orgId: string, id: string) {
  const w = await tx.maintenanceWindow.findFirst({ where: { orgId, id } });
  if (!w) throw notFound("Maintenance window");
  await tx.maintenanceWindow.delete({ where: { id, orgId } });
  await writeAudit(tx, actor, {
    orgId,
    action: "maintenance_window.delete",
    targetType: "maintenance_window",
    targetId: id,
    before: auditJson(view(w)),
  });
}

import type { Tx } from "../db/client";
import { keysetArgs, type PageQuery, pageOf } from "../pagination";

export interface AuditFilter {
  action?: string;
  /** user | apiKey | device | system */
  actorKind?: string;
  actor?: string;
  targetType?: string;
  targetId?: string;
  /** ISO times: entries at or after `since`, before `until`. */
  since?: string;
  until?: string;
}

/** One page of the org's audit log (newest first unless asked otherwise). */
export async function listAudit(tx: Tx, orgId: string, query: PageQuery & AuditFilter) {
  const { where: past, ...args } = keysetArgs(query);
  const createdAt =
    query.since || query.until
      ? {
          createdAt: {
            ...(query.since ? { gte: new Date(query.since) } : {}),
            ...(query.until ? { lt: new Date(query.until) } : {}),
          },
        }
      : {};
  const matching = {
    orgId,
    ...(query.action ? { action: query.action } : {}),
    ...(query.actorKind ? { actorKind: query.actorKind } : {}),
    ...(query.actor
      ? {
          OR: [
            { actorEmail: { contains: query.actor, mode: "insensitive" as const } },
            { actorId: query.actor },
          ],
        }
      : {}),
    ...(query.targetType ? { targetType: query.targetType } : {}),
    ...(query.targetId ? { targetId: query.targetId } : {}),
    ...createdAt,
  };
  const rows = await tx.auditLog.findMany({
    // The cursor's condition, after the filters: an AND of both.
    where: { ...matching, ...(past ? { AND: [past] } : {}) },
    ...args,
  });
  return pageOf(rows, query, (r) => r, await tx.auditLog.count({ where: matching }));
}

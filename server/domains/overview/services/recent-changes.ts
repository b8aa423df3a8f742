import type { Tx } from "../../../platform/db/client";

/** The newest audit entries: who changed what, for the overview's "recent changes". */
export async function recentChanges(tx: Tx, orgId: string, take = 6) {
  return tx.auditLog.findMany({
    where: { orgId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take,
    select: {
      id: true,
      action: true,
      actorKind: true,
      actorEmail: true,
      targetType: true,
      targetId: true,
      createdAt: true,
    },
  });
}

import type { Tx } from "../db/client";

export interface ListAuditInput {
  orgId: string;
  limit: number;
  /** Id of the last entry of the previous page. */
  cursor?: string | null;
}

export async function listAudit(tx: Tx, input: ListAuditInput) {
  const rows = await tx.auditLog.findMany({
    where: { orgId: input.orgId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: input.limit + 1,
    ...(input.cursor ? { cursor: { id: input.cursor, orgId: input.orgId }, skip: 1 } : {}),
  });
  const items = rows.slice(0, input.limit);
  return { items, nextCursor: rows.length > input.limit ? (items.at(-1)?.id ?? null) : null };
}

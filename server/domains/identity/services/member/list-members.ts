import type { Tx } from "../../../../platform/db/client";

export async function listMembers(tx: Tx, orgId: string) {
  const rows = await tx.membership.findMany({
    where: { orgId },
    include: { user: { select: { id: true, email: true, name: true } } },
    orderBy: { createdAt: "asc" },
  });
  return rows.map((m) => ({
    id: m.id,
    role: m.role,
    userId: m.user.id,
    email: m.user.email,
    name: m.user.name,
    createdAt: m.createdAt,
  }));
}

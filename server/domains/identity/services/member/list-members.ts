import type { Tx } from "../../../../platform/db/client";
import type { Role } from "../../../../platform/db/generated/enums";
import { keysetArgs, type PageQuery, pageOf } from "../../../../platform/pagination";

/** One page of the org's direct members (an MSP's members acting here are not listed). */
export async function listMembers(
  tx: Tx,
  orgId: string,
  query: PageQuery & { q?: string; role?: Role },
) {
  const { where: past, ...args } = keysetArgs(query);
  const like = query.q ? { contains: query.q, mode: "insensitive" as const } : undefined;
  const matching = {
    orgId,
    ...(query.role ? { role: query.role } : {}),
    ...(like ? { user: { OR: [{ email: like }, { name: like }] } } : {}),
  };
  const total = await tx.membership.count({ where: matching });
  const rows = await tx.membership.findMany({
    where: { ...matching, ...past },
    include: { user: { select: { id: true, email: true, name: true } } },
    ...args,
  });
  return pageOf(
    rows,
    query,
    (m) => ({
      id: m.id,
      role: m.role,
      userId: m.user.id,
      email: m.user.email,
      name: m.user.name,
      createdAt: m.createdAt,
    }),
    total,
  );
}

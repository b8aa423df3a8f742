// The `q` filter of lists: names that contain it, in any case. The same rule for a list read
// page by page from the database and for a short one paged in memory.

/** Prisma's `where` part for `q` (nothing when no `q` was given). */
export const nameContains = (q: string | undefined) =>
  q ? { name: { contains: q, mode: "insensitive" as const } } : {};

/** The items of an in-memory list whose name contains `q` (all of them when no `q`). */
export function named<T extends { name: string }>(items: T[], q: string | undefined) {
  const wanted = q?.toLowerCase();
  return wanted ? items.filter((i) => i.name.toLowerCase().includes(wanted)) : items;
}

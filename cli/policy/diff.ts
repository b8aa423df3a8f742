// The declarative diff of `patronus policy apply`: the rules a file declares against the
// org's rules on the server, matched by name. Pure: no I/O, the same inputs give the same
// plan, and an empty plan means "no changes".

export type Plan<T> = Change<T>[];

export type Change<T> =
  | { kind: "create"; name: string; desired: T }
  | { kind: "update"; name: string; id: string; desired: T; current: T; fields: string[] }
  | { kind: "delete"; name: string; id: string; current: T };

type Named = { name: string };

/** Values as the API would store them: a missing optional field equals null. */
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * What to create, update and delete so that the server's rules become `desired`. `fields`
 * are the ones compared (the server's ids and timestamps are not). Names must be unique on
 * both sides: the server's duplicates cannot be matched and are refused.
 */
export function planRules<T extends Named>(
  desired: T[],
  current: (T & { id: string })[],
  fields: readonly (keyof T & string)[],
): Plan<T> {
  const byName = new Map<string, T & { id: string }>();
  for (const rule of current) {
    if (byName.has(rule.name))
      throw new Error(`The org has more than one rule named "${rule.name}": rename or delete one`);
    byName.set(rule.name, rule);
  }
  const plan: Plan<T> = [];
  const wanted = new Set<string>();
  for (const rule of desired) {
    if (wanted.has(rule.name)) throw new Error(`Two rules are named "${rule.name}"`);
    wanted.add(rule.name);
    const now = byName.get(rule.name);
    if (!now) {
      plan.push({ kind: "create", name: rule.name, desired: rule });
      continue;
    }
    const changed = fields.filter((f) => !same(rule[f], now[f]));
    if (changed.length)
      plan.push({
        kind: "update",
        name: rule.name,
        id: now.id,
        desired: rule,
        current: now,
        fields: changed,
      });
  }
  for (const rule of current)
    if (!wanted.has(rule.name))
      plan.push({ kind: "delete", name: rule.name, id: rule.id, current: rule });
  const order = { delete: 0, update: 1, create: 2 };
  return plan.sort((a, b) => order[a.kind] - order[b.kind] || a.name.localeCompare(b.name));
}

/** The plan for people: one line a change, then a count. */
export function formatPlan<T>(
  plan: Plan<T>,
  show: (rule: T) => string,
  value: (rule: T, field: string) => string,
): string[] {
  if (plan.length === 0) return ["No changes: the org's policy rules match the file."];
  const lines = plan.map((c) => {
    if (c.kind === "create") return `  + create ${c.name}: ${show(c.desired)}`;
    if (c.kind === "delete") return `  - delete ${c.name}: ${show(c.current)}`;
    const what = c.fields.map((f) => `${f} ${value(c.current, f)} → ${value(c.desired, f)}`);
    return `  ~ update ${c.name}: ${what.join(", ")}`;
  });
  const count = (k: Change<T>["kind"]) => plan.filter((c) => c.kind === k).length;
  return [
    ...lines,
    `${plan.length} change(s): ${count("create")} to create, ${count("update")} to update, ${count("delete")} to delete.`,
  ];
}

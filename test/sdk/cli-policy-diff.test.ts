// The declarative diff of `patronus policy apply`, as a pure function: matched by name,
// only the compared fields count, duplicates are refused, an equal set is no change.
import { describe, expect, it } from "vitest";
import { formatPlan, planRules } from "../../cli/policy/diff";

type Rule = {
  name: string;
  priority: number;
  action: string;
  ports: { lo: number; hi: number } | null;
};
const FIELDS = ["priority", "action", "ports"] as const;
const rule = (name: string, priority = 100, action = "allow"): Rule => ({
  name,
  priority,
  action,
  ports: null,
});
const stored = (r: Rule, id: string) => ({ ...r, id, createdAt: "2026-01-01" });

describe("planRules", () => {
  it("creates, updates and deletes by name, deletions first", () => {
    const plan = planRules(
      [rule("web", 10), rule("ssh", 20, "deny"), rule("new")],
      [stored(rule("web", 10), "r1"), stored(rule("ssh", 30), "r2"), stored(rule("old"), "r3")],
      FIELDS,
    );
    expect(plan.map((c) => [c.kind, c.name])).toEqual([
      ["delete", "old"],
      ["update", "ssh"],
      ["create", "new"],
    ]);
    expect(plan[1]).toMatchObject({ id: "r2", fields: ["priority", "action"] });
    expect(plan[0]).toMatchObject({ id: "r3" });
  });

  it("finds no change when the sets are equal, whatever the order and other fields", () => {
    const desired = [rule("b"), { ...rule("a"), ports: { lo: 80, hi: 80 } }];
    const current = [
      stored({ ...rule("a"), ports: { lo: 80, hi: 80 } }, "1"),
      stored(rule("b"), "2"),
    ];
    expect(planRules(desired, current, FIELDS)).toEqual([]);
    expect(formatPlan([], String, String)).toEqual([
      "No changes: the org's policy rules match the file.",
    ]);
  });

  it("treats a missing optional field as null", () => {
    const sparse = { name: "a", priority: 1, action: "allow" } as Rule;
    expect(planRules([sparse], [stored({ ...sparse, ports: null }, "1")], FIELDS)).toEqual([]);
  });

  it("refuses duplicate names on either side", () => {
    expect(() => planRules([rule("a"), rule("a")], [], FIELDS)).toThrow(/Two rules are named "a"/);
    expect(() =>
      planRules<Rule>([], [stored(rule("a"), "1"), stored(rule("a"), "2")], FIELDS),
    ).toThrow(/more than one rule named "a"/);
  });

  it("prints one line a change and the counts", () => {
    const plan = planRules(
      [rule("ssh", 20)],
      [stored(rule("ssh", 30), "r2"), stored(rule("x"), "r3")],
      FIELDS,
    );
    expect(
      formatPlan(
        plan,
        (r) => `${r.action} p${r.priority}`,
        (r, f) => String(r[f as keyof Rule]),
      ),
    ).toEqual([
      "  - delete x: allow p100",
      "  ~ update ssh: priority 30 → 20",
      "2 change(s): 0 to create, 1 to update, 1 to delete.",
    ]);
  });
});

// The shipped Prometheus rules: promtool accepts them, its unit tests (every alert firing on
// the series that should trip it, silent otherwise) pass, and each alert says how bad it
// is and what it means, over low-cardinality labels only.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { metricNames, promtoolMissing, RULES_FILE, RULES_TEST_FILE, rules } from "./deploy";

const promtool = (...args: string[]) => {
  const run = spawnSync("promtool", args, { cwd: dirname(RULES_FILE), encoding: "utf8" });
  return { status: run.status, out: `${run.stdout}${run.stderr}` };
};

describe("Prometheus rules (deploy/prometheus)", () => {
  it("pass promtool check rules", (ctx) => {
    const skip = promtoolMissing();
    if (skip) return ctx.skip(skip);
    const run = promtool("check", "rules", RULES_FILE);
    expect(run.status, run.out).toBe(0);
    expect(run.out).toContain(`SUCCESS: ${rules().length} rules found`);
  });

  it("pass their promtool unit tests", (ctx) => {
    const skip = promtoolMissing();
    if (skip) return ctx.skip(skip);
    const run = promtool("test", "rules", RULES_TEST_FILE);
    expect(run.status, run.out).toBe(0);
    expect(run.out).toContain("SUCCESS");
  });

  it("unit-test every alert both firing and silent", () => {
    const doc = parse(readFileSync(RULES_TEST_FILE, "utf8")) as {
      tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[];
    };
    const cases = doc.tests.flatMap((t) => t.alert_rule_test ?? []);
    for (const alert of rules().flatMap((r) => r.alert ?? [])) {
      const mine = cases.filter((c) => c.alertname === alert);
      expect(
        mine.some((c) => c.exp_alerts.length > 0),
        `${alert} never fires in ${RULES_TEST_FILE}`,
      ).toBe(true);
      expect(
        mine.some((c) => c.exp_alerts.length === 0),
        `${alert} is never shown silent in ${RULES_TEST_FILE}`,
      ).toBe(true);
    }
  });

  it("give every alert a for, a severity and a summary and description", () => {
    const alerts = rules().filter((r) => r.alert);
    expect(alerts.length).toBeGreaterThanOrEqual(12);
    for (const a of alerts) {
      expect(a.for, a.alert).toMatch(/^\d+[smh]$/);
      expect(["warning", "critical"], a.alert).toContain(a.labels?.severity);
      expect(a.annotations?.summary, a.alert).toBeTruthy();
      expect(a.annotations?.description, a.alert).toBeTruthy();
    }
  });

  it("keep labels low-cardinality and read recorded series the file records", () => {
    const recorded = new Set(rules().flatMap((r) => r.record ?? []));
    for (const r of rules()) {
      // No grouping by tenant or device; no label value shaped like an id.
      expect(r.expr, r.record ?? r.alert).not.toMatch(/\b(org|org_id|orgId|site|device)\b/);
      for (const name of metricNames(r.expr).recorded)
        expect(recorded.has(name), `${r.alert ?? r.record} reads unrecorded ${name}`).toBe(true);
    }
  });
});

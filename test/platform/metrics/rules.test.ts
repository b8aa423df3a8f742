// The shipped Prometheus rules, every file of deploy/prometheus (the platform's and the edge
// agents'): promtool accepts each, its unit tests (every alert firing on the series that
// should trip it, silent otherwise) pass, and each alert says how bad it is and what it
// means, over low-cardinality labels only.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  AGENT_RULES,
  metricNames,
  PLATFORM_RULES,
  PROMETHEUS,
  promtoolMissing,
  rules,
  rulesFiles,
  rulesPath,
  rulesTestPath,
} from "./deploy";

const promtool = (...args: string[]) => {
  const run = spawnSync("promtool", args, { cwd: PROMETHEUS, encoding: "utf8" });
  return { status: run.status, out: `${run.stdout}${run.stderr}` };
};

/** Alerts each file should have at least: a file that loses its alerts fails here. */
const MIN_ALERTS: Record<string, number> = { [PLATFORM_RULES]: 12, [AGENT_RULES]: 15 };

it("ship the platform's and the agents' rules, each with its unit tests", () => {
  expect(rulesFiles()).toEqual([AGENT_RULES, PLATFORM_RULES]);
  for (const file of rulesFiles()) expect(existsSync(rulesTestPath(file)), file).toBe(true);
  // Alertmanager routes and silences by name: one name, one alert.
  const names = rulesFiles().flatMap((f) => rules(f).flatMap((r) => r.alert ?? []));
  expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
});

describe.each(rulesFiles())("Prometheus rules deploy/prometheus/%s", (file) => {
  const testFile = rulesTestPath(file);

  it("pass promtool check rules", (ctx) => {
    const skip = promtoolMissing();
    if (skip) return ctx.skip(skip);
    const run = promtool("check", "rules", rulesPath(file));
    expect(run.status, run.out).toBe(0);
    expect(run.out).toContain(`SUCCESS: ${rules(file).length} rules found`);
  });

  it("pass their promtool unit tests", (ctx) => {
    const skip = promtoolMissing();
    if (skip) return ctx.skip(skip);
    const run = promtool("test", "rules", testFile);
    expect(run.status, run.out).toBe(0);
    expect(run.out).toContain("SUCCESS");
  });

  it("unit-test every alert both firing and silent", () => {
    const doc = parse(readFileSync(testFile, "utf8")) as {
      rule_files: string[];
      tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[];
    };
    expect(doc.rule_files).toEqual([file]);
    const cases = doc.tests.flatMap((t) => t.alert_rule_test ?? []);
    for (const alert of rules(file).flatMap((r) => r.alert ?? [])) {
      const mine = cases.filter((c) => c.alertname === alert);
      expect(
        mine.some((c) => c.exp_alerts.length > 0),
        `${alert} never fires in ${testFile}`,
      ).toBe(true);
      expect(
        mine.some((c) => c.exp_alerts.length === 0),
        `${alert} is never shown silent in ${testFile}`,
      ).toBe(true);
    }
  });

  it("give every alert a for, a severity and a summary and description", () => {
    const alerts = rules(file).filter((r) => r.alert);
    expect(alerts.length).toBeGreaterThanOrEqual(MIN_ALERTS[file] ?? 1);
    for (const a of alerts) {
      expect(a.for, a.alert).toMatch(/^\d+[smh]$/);
      expect(["warning", "critical"], a.alert).toContain(a.labels?.severity);
      expect(a.annotations?.summary, a.alert).toBeTruthy();
      expect(a.annotations?.description, a.alert).toBeTruthy();
    }
  });

  it("keep labels low-cardinality and read recorded series the file records", () => {
    const recorded = new Set(rules(file).flatMap((r) => r.record ?? []));
    for (const r of rules(file)) {
      // No grouping by tenant or device; no label value shaped like an id.
      expect(r.expr, r.record ?? r.alert).not.toMatch(/\b(org|org_id|orgId|site|device)\b/);
      for (const name of metricNames(r.expr).recorded)
        expect(recorded.has(name), `${r.alert ?? r.record} reads unrecorded ${name}`).toBe(true);
    }
  });
});

// The shipped Grafana dashboards (the platform's and the edge agents'): each JSON file is
// exactly what its typed source builds (deploy/grafana/dashboards.ts lists them; typed
// against @grafana/schema's Dashboard and so checked by tsc), every query reads the
// `${datasource}` variable and narrows to the dashboard's other variables, an alert a panel
// names exists, and the layout fits Grafana's 24 columns without overlaps. That every query
// parses and names real metrics is checked against a real Prometheus scraping the endpoint
// it is for: prometheus.int.test.ts (platform), test/agent/metrics-prometheus.int.test.ts.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Dashboard, Panel, RowPanel } from "@grafana/schema";
import { describe, expect, it } from "vitest";
import { DASHBOARDS } from "../../../deploy/grafana/dashboards";
import {
  AGENTS_DASHBOARD,
  DATASOURCE_VAR,
  dashboardFiles,
  dashboardPanels,
  dashboardQueries,
  GRAFANA,
  PLATFORM_DASHBOARD,
  rules,
  rulesFiles,
} from "./deploy";

describe("Grafana dashboards (deploy/grafana)", () => {
  it("ship each JSON file as its typed source builds it", () => {
    expect(dashboardFiles()).toEqual([AGENTS_DASHBOARD, PLATFORM_DASHBOARD]);
    expect(dashboardFiles()).toEqual(Object.keys(DASHBOARDS).sort());
    for (const [file, source] of Object.entries(DASHBOARDS)) {
      const shipped: unknown = JSON.parse(readFileSync(join(GRAFANA, file), "utf8"));
      expect(
        shipped,
        `${file} differs from its source: run npx tsx deploy/grafana/dashboards.ts`,
      ).toEqual(JSON.parse(JSON.stringify(source)));
    }
  });

  it("read every query from the datasource variable (a Prometheus)", () => {
    for (const [file, d] of Object.entries(DASHBOARDS)) {
      const variable = d.templating?.list?.find((v) => v.name === "datasource");
      expect(variable, file).toMatchObject({ type: "datasource", query: "prometheus" });
      for (const p of dashboardPanels(file).filter((p) => p.type !== "row")) {
        expect(p.datasource?.uid, `${file}: ${p.title}`).toBe(DATASOURCE_VAR);
        expect(p.targets?.length, `${file}: ${p.title}`).toBeGreaterThan(0);
        for (const t of p.targets ?? []) {
          expect(t.datasource?.uid, `${file}: ${p.title}`).toBe(DATASOURCE_VAR);
          expect(t.expr, `${file}: ${p.title}`).toMatch(/\S/);
        }
      }
    }
    expect(dashboardQueries(PLATFORM_DASHBOARD).length).toBeGreaterThanOrEqual(20);
    expect(dashboardQueries(AGENTS_DASHBOARD).length).toBeGreaterThanOrEqual(20);
  });

  it("narrow every query to the dashboard's variables (job; instance for the agents)", () => {
    const names = (file: string) =>
      (DASHBOARDS[file]?.templating?.list ?? [])
        .filter((v) => v.type === "query")
        .map((v) => v.name);
    expect(names(PLATFORM_DASHBOARD)).toEqual(["job"]);
    expect(names(AGENTS_DASHBOARD)).toEqual(["job", "instance"]);
    for (const file of dashboardFiles())
      for (const q of dashboardQueries(file))
        for (const name of names(file))
          expect(q.expr, `${q.where} ignores $${name}`).toContain(`=~"$${name}"`);
  });

  it("name only alerts the rules have", () => {
    const alerts = new Set(rulesFiles().flatMap((f) => rules(f).flatMap((r) => r.alert ?? [])));
    let named = 0;
    for (const file of dashboardFiles())
      for (const p of dashboardPanels(file))
        for (const name of p.description?.match(/\bPatronus[A-Z]\w+/g) ?? []) {
          named++;
          expect(alerts.has(name), `${file}: "${p.title}" names ${name}`).toBe(true);
        }
    expect(named).toBeGreaterThan(20);
  });

  it("lay panels out on 24 columns, with unique ids and no overlaps", () => {
    for (const [file, d] of Object.entries(DASHBOARDS)) {
      const panels = (d.panels ?? []).flatMap((p): (Panel | RowPanel)[] =>
        p.type === "row" ? [p, ...(p as RowPanel).panels] : [p],
      );
      const ids = panels.map((p) => p.id);
      expect(new Set(ids).size, file).toBe(ids.length);
      const boxes = panels.map((p) => ({ title: p.title, ...p.gridPos }));
      for (const b of boxes) {
        expect(b.w, `${file}: ${b.title}`).toBeDefined();
        expect((b.x ?? 0) + (b.w ?? 0), `${file}: ${b.title}`).toBeLessThanOrEqual(24);
      }
      for (const [i, a] of boxes.entries())
        for (const b of boxes.slice(i + 1)) {
          const overlap =
            a.x! < b.x! + b.w! && b.x! < a.x! + a.w! && a.y! < b.y! + b.h! && b.y! < a.y! + a.h!;
          expect(overlap, `${file}: "${a.title}" overlaps "${b.title}"`).toBe(false);
        }
    }
  });

  it("type the shipped dashboards as @grafana/schema's Dashboard", () => {
    // The sources are typed; this keeps the import honest should one be retyped loosely.
    const all: Dashboard[] = Object.values(DASHBOARDS);
    for (const d of all) expect(d.schemaVersion).toBeGreaterThanOrEqual(36);
  });
});

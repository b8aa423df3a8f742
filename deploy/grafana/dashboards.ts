// The dashboards shipped in deploy/grafana/, by file name: one line per dashboard, its typed
// source next to it. After a change to any of them, `npx tsx deploy/grafana/dashboards.ts`
// rewrites every JSON file (then `npx biome check --write deploy/grafana` keeps the layout
// the repository has); test/platform/metrics/dashboards.test.ts fails while one differs.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Dashboard } from "@grafana/schema";
import { agentsDashboard } from "./patronus-agents";
import { platformDashboard } from "./patronus-platform";

export const DASHBOARDS: Readonly<Record<string, Dashboard>> = {
  "patronus-platform.json": platformDashboard,
  "patronus-agents.json": agentsDashboard,
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [file, dashboard] of Object.entries(DASHBOARDS))
    writeFileSync(new URL(file, import.meta.url), `${JSON.stringify(dashboard, null, 2)}\n`);
}

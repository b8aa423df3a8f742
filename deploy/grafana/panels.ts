// What every shipped dashboard is made of (deploy/grafana/dashboards.ts lists them): rows of
// time-series graphs, three to a line, over Prometheus queries that read the `${datasource}`
// variable, and the dashboard around them. Typed against @grafana/schema, so `tsc` checks
// every field the JSON ships with.
import type { Dashboard, Panel, RowPanel, VariableModel } from "@grafana/schema";

// Grafana's variable syntax, not a template literal.
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana variable
export const DATASOURCE = { type: "prometheus", uid: "${datasource}" };
export const RATE = "$__rate_interval";

export interface Graph {
  title: string;
  description: string;
  unit: string;
  /** PromQL, and the legend of its series. */
  queries: [expr: string, legend: string][];
  stack?: boolean;
  /** The y axis' top, for a bounded value (a 0/1 gauge, a ratio, a MOS). */
  max?: number;
}

/** A row header and the graphs under it. */
export type Section = [title: string, graphs: Graph[]];

const WIDTH = 8;
const HEIGHT = 8;

function timeseries(g: Graph, id: number, x: number, y: number): Panel {
  return {
    id,
    type: "timeseries",
    title: g.title,
    description: g.description,
    datasource: DATASOURCE,
    gridPos: { x, y, w: WIDTH, h: HEIGHT },
    fieldConfig: {
      defaults: {
        unit: g.unit,
        min: 0,
        ...(g.max === undefined ? {} : { max: g.max }),
        custom: g.stack ? { stacking: { mode: "normal" }, fillOpacity: 20 } : { fillOpacity: 0 },
      },
      overrides: [],
    },
    options: {
      legend: { displayMode: "list", placement: "bottom", showLegend: true },
      tooltip: { mode: "multi", sort: "desc" },
    },
    targets: g.queries.map(([expr, legendFormat], i) => ({
      refId: String.fromCharCode(65 + i),
      datasource: DATASOURCE,
      expr,
      legendFormat,
      range: true,
    })),
  };
}

/** Each section as a row header over its graphs; ids from 1, in order. */
function layout(sections: Section[]): (Panel | RowPanel)[] {
  const panels: (Panel | RowPanel)[] = [];
  let id = 1;
  let y = 0;
  for (const [title, graphs] of sections) {
    panels.push({
      id: id++,
      type: "row",
      title,
      collapsed: false,
      gridPos: { x: 0, y, w: 24, h: 1 },
      panels: [],
    });
    graphs.forEach((g, i) => {
      panels.push(timeseries(g, id++, (i % 3) * WIDTH, y + 1 + Math.floor(i / 3) * HEIGHT));
    });
    y += 1 + Math.ceil(graphs.length / 3) * HEIGHT;
  }
  return panels;
}

/** The `datasource` variable every query reads: a Prometheus picked on import. */
const datasourceVariable: VariableModel = {
  name: "datasource",
  label: "Data source",
  type: "datasource",
  query: "prometheus",
  hide: 0,
  refresh: 1,
  includeAll: false,
  multi: false,
};

/** A multi-value variable of a label's values (all by default), refreshed on time change. */
export function labelVariable(name: string, label: string, query: string): VariableModel {
  return {
    name,
    label,
    type: "query",
    datasource: DATASOURCE,
    query: { query, refId: name },
    hide: 0,
    refresh: 2,
    includeAll: true,
    allValue: ".*",
    multi: true,
    sort: 1,
  };
}

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  /** Variables after `datasource`. */
  variables: VariableModel[];
  sections: Section[];
}

export function dashboard(s: DashboardSpec): Dashboard {
  return {
    uid: s.uid,
    title: s.title,
    description: s.description,
    tags: ["patronus"],
    editable: true,
    graphTooltip: 1,
    schemaVersion: 39,
    version: 1,
    refresh: "30s",
    time: { from: "now-6h", to: "now" },
    timezone: "browser",
    annotations: { list: [] },
    links: [],
    templating: { list: [datasourceVariable, ...s.variables] },
    panels: layout(s.sections),
  };
}

// Programs the plan of routing-plan.ts into the kernel. `apply` reconciles everything
// from what the kernel has (so a restarted agent adopts its own rules and tables);
// `switchPaths` is the failover hot path: only the changed unit routes.
//
// Every write goes through one long-lived `ip -batch` (ip-session.ts), which executes
// in arrival order. Reads (slow: a process each) hold no lock: a reconcile computes what
// it writes from the newest selection only after its reads, right before queuing, so a
// failover is never delayed by a reconcile and never undone by one.
import type { Logger } from "../log";
import { ipJson } from "./exec";
import { IpSession } from "./ip-session";
import {
  buildModel,
  diffRoutes,
  diffRules,
  parseRoutes,
  parseRules,
  planLinkRoutes,
  planRules,
  planUnitRoutes,
  type RouteSpec,
  type RoutingModel,
  type RuleSpec,
  routeLine,
  UNIT_TABLE_BASE,
  unitSiteRoutes,
} from "./routing-plan";
import type { SelectionChange } from "./select";
import { applyOverlaySysctls } from "./sysctls";
import type { OverlayConfig, OverlayLink } from "./types";
import type { Unit } from "./units";

type Sel = { unit: string; remoteSiteId: string; pathId: string | null };
/** Read right before the write is queued, so routes follow the newest selection. */
type Selections = () => readonly Sel[];
type Json = Record<string, unknown>;
const key = (table: number, dst: string) => `${table}|${dst}`;

/** Default routes of the main table, per interface: the links' next hops. */
function mainGateways(routes: readonly Json[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of routes)
    if (r.dst === "default" && r.table === undefined && typeof r.dev === "string")
      if (typeof r.gateway === "string" && !out.has(r.dev)) out.set(r.dev, r.gateway);
  return out;
}

export class Routing {
  private model: RoutingModel | null = null;
  private links: readonly OverlayLink[] = [];
  private rules: RuleSpec[] = [];
  /** Unit-table routes as last written: table|dst → dev. */
  private programmed = new Map<string, string>();
  private readonly session = new IpSession();
  private tail: Promise<unknown> | null = null;

  constructor(private readonly log: Logger) {}

  /** Reconciles run one at a time (switches do not wait for them). */
  private serial<T>(f: () => Promise<T>): Promise<T> {
    const p = this.tail ? this.tail.then(f) : f();
    const t = p.catch(() => undefined);
    this.tail = t;
    void t.then(() => {
      if (this.tail === t) this.tail = null;
    });
    return p;
  }

  /** Full reconcile: sysctls, rules, link tables and unit tables; stale ones removed. */
  apply(
    config: OverlayConfig,
    units: readonly Unit[],
    unclassified: Unit,
    selections: Selections,
  ): Promise<void> {
    return this.serial(async () => {
      const rules = planRules(config, units, unclassified);
      await applyOverlaySysctls(
        { tunnels: config.paths.map((p) => p.ifname), wans: config.links.map((l) => l.ifname) },
        this.log,
      );
      const have = parseRules(await ipJson(["-4", "rule", "show"]));
      await this.session.run(diffRules(have, rules));
      this.model = buildModel(config, units);
      this.links = config.links;
      this.rules = rules;
      await this.reconcileRoutes(selections, true);
    });
  }

  /** What the unit tables route through which path now (left by an earlier run). */
  adopt(config: OverlayConfig, units: readonly Unit[]): Promise<Sel[]> {
    return this.serial(async () => {
      const model = buildModel(config, units);
      const byTable = new Map(units.map((u) => [UNIT_TABLE_BASE + u.index, u.key]));
      const pathOf = new Map(config.paths.map((p) => [p.ifname, p]));
      const out = new Map<string, Sel>();
      for (const r of parseRoutes(await ipJson(["-4", "route", "show", "table", "all"]))) {
        const unit = byTable.get(r.table);
        const path = r.dev ? pathOf.get(r.dev) : undefined;
        if (!unit || !path) continue;
        const site = path.remote.siteId;
        if (!model.sitePrefixes.get(site)?.includes(r.dst)) continue;
        out.set(`${unit}|${site}`, { unit, remoteSiteId: site, pathId: path.id });
      }
      return [...out.values()];
    });
  }

  /** Re-asserts routes the kernel dropped (a link that went down loses its routes). */
  repair(selections: Selections): Promise<void> {
    return this.serial(() => this.reconcileRoutes(selections, false));
  }

  /** Throws when a rule of the plan is missing from the kernel. */
  verify(): Promise<void> {
    return this.serial(async () => {
      const have = parseRules(await ipJson(["-4", "rule", "show"]));
      const missing = diffRules(have, this.rules).filter((l) => l.startsWith("rule add"));
      if (missing.length)
        throw new Error(`verify: ip rules missing: ${missing.slice(0, 3).join(" | ")}`);
    });
  }

  private async reconcileRoutes(selections: Selections, strict: boolean) {
    const all = await ipJson<Json>(["-4", "route", "show", "table", "all"]);
    const model = this.model;
    if (!model) return;
    // From here to the queued write nothing awaits: no switch can slip in between.
    const unitRoutes = planUnitRoutes(model, selections());
    const desired: RouteSpec[] = [...planLinkRoutes(this.links, mainGateways(all)), ...unitRoutes];
    const lines = diffRoutes(parseRoutes(all), desired);
    this.programmed = new Map(unitRoutes.map((r) => [key(r.table, r.dst), r.dev!]));
    try {
      await this.session.run(lines);
    } catch (e) {
      // A link that is down refuses its default route; it is re-added once it is up.
      if (strict) this.log.warn("some overlay routes were not applied", { error: e });
      else this.log.debug("overlay routes not repaired yet", { error: e });
    }
  }

  /** Failover: rewrites the affected unit routes; written before this returns. */
  async switchPaths(changes: readonly SelectionChange[]): Promise<number> {
    const model = this.model;
    if (!model) return 0;
    const lines: string[] = [];
    for (const c of changes) {
      const r = unitSiteRoutes(model, c.unit, c.remoteSiteId, c.to);
      if (!r) continue;
      for (const dst of r.dsts) {
        const k = key(r.table, dst);
        const spec: RouteSpec = { table: r.table, dst, type: "unicast" };
        if (r.dev === null) {
          if (this.programmed.delete(k)) lines.push(routeLine("del", spec));
        } else if (this.programmed.get(k) !== r.dev) {
          this.programmed.set(k, r.dev);
          lines.push(routeLine("replace", { ...spec, dev: r.dev }));
        }
      }
    }
    await this.session.run(lines);
    return lines.length;
  }

  /** Removes every rule and route in the agent's ranges. */
  teardown(): Promise<void> {
    return this.serial(async () => {
      const rules = parseRules(await ipJson(["-4", "rule", "show"]));
      const routes = parseRoutes(await ipJson(["-4", "route", "show", "table", "all"]));
      this.model = null;
      this.links = [];
      this.rules = [];
      this.programmed.clear();
      await this.session
        .run([...diffRules(rules, []), ...diffRoutes(routes, [])])
        .catch((e) => this.log.warn("overlay routing not fully removed", { error: e }));
    });
  }

  /** Ends the `ip` session (rules and routes stay as they are). */
  close() {
    this.session.close();
  }
}

// Pure: the policy routing an overlay config asks for (docs/overlay.md "Marks and
// tables"), as rule and route lists, and the `ip -batch` lines that turn what the kernel
// has into that. Everything the agent owns lies in fixed ranges, so a restarted agent
// recognises its own rules and tables and never duplicates them:
//
//   pref 500+i   fwmark 0x7b000000|i        → table 21000+i   (tunnel packets of link i)
//   pref 1000+   [fwmark 0x7a000000|c] from → table 20000+u   (policies, per source)
//   pref 5000+   fwmark 0x7a000000|c        → table 20000+u   (classes)
//   pref 9000                               → table 20000+u   (unclassified traffic)
//
// The link rules come first so that a tunnel's own packets never enter a unit table
// (a policy source prefix may well contain the box's WAN address).
import type { OverlayConfig, OverlayLink } from "./types";
import type { Unit } from "./units";

export const CLASS_MARK = 0x7a000000;
export const LINK_MARK = 0x7b000000;
export const UNIT_TABLE_BASE = 20000;
export const LINK_TABLE_BASE = 21000;
export const MAX_LINKS = 16;
export const PREF_LINK = 500;
export const PREF_POLICY = 1000;
export const PREF_CLASS = 5000;
export const PREF_UNCLASSIFIED = 9000;
/** The link tables' fallback: with the link down its route is gone, and the tunnel's
 * packets must stop here rather than leave by another link. */
export const UNREACHABLE_METRIC = 4_000_000_000;

export class RoutingPlanError extends Error {
  override name = "RoutingPlanError";
}

export interface RuleSpec {
  pref: number;
  fwmark?: number;
  /** Source prefix; absent: from all. */
  src?: string;
  table: number;
}

export interface RouteSpec {
  table: number;
  /** "default" or a normalised prefix "a.b.c.d/len". */
  dst: string;
  type: "unicast" | "unreachable";
  dev?: string;
  gateway?: string;
  metric?: number;
}

export const linkMark = (i: number) => (LINK_MARK | i) >>> 0;
export const classMark = (id: number) => (CLASS_MARK | id) >>> 0;
const hex = (n: number) => `0x${n.toString(16)}`;

const isOurTable = (t: number) =>
  (t >= UNIT_TABLE_BASE && t < UNIT_TABLE_BASE + 1000) ||
  (t >= LINK_TABLE_BASE && t < LINK_TABLE_BASE + MAX_LINKS);
const isOurPref = (p: number) => p >= PREF_LINK && p <= PREF_UNCLASSIFIED;

/** "10.1.2.3/24" → "10.1.2.0/24": the kernel refuses host bits in a route's prefix. */
export function normalizePrefix(cidr: string): string {
  const [addr, lenText] = cidr.split("/");
  const len = lenText === undefined ? 32 : Number(lenText);
  const n = addr!.split(".").reduce((a, o) => a * 256 + Number(o), 0);
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  const net = (n & mask) >>> 0;
  return `${[24, 16, 8, 0].map((s) => (net >>> s) & 255).join(".")}/${len}`;
}

// --- rules -----------------------------------------------------------------------------

export function planRules(config: OverlayConfig, units: readonly Unit[], unclassified: Unit) {
  if (config.links.length > MAX_LINKS)
    throw new RoutingPlanError(`at most ${MAX_LINKS} WAN links per device`);
  const rules: RuleSpec[] = config.links.map((_, i) => ({
    pref: PREF_LINK + i,
    fwmark: linkMark(i),
    table: LINK_TABLE_BASE + i,
  }));
  let policyPref = PREF_POLICY;
  let classPref = PREF_CLASS;
  for (const u of units) {
    const table = UNIT_TABLE_BASE + u.index;
    const m = u.match;
    if (m.kind === "policy") {
      const mark = m.classId === undefined ? {} : { fwmark: classMark(m.classId) };
      // No sources, or 0.0.0.0/0 among them: one rule for any source (the kernel stores no
      // source for 0.0.0.0/0 and shows "all", so a rule with it would never match its plan).
      const given = m.sources.map(normalizePrefix);
      const sources = given.length === 0 || given.includes("0.0.0.0/0") ? [undefined] : given;
      for (const src of sources)
        rules.push({ pref: policyPref++, ...mark, ...(src ? { src } : {}), table });
    } else if (m.kind === "class" && m.classified)
      rules.push({ pref: classPref++, fwmark: classMark(m.classId), table });
  }
  if (policyPref > PREF_CLASS)
    throw new RoutingPlanError(
      `policies need ${policyPref - PREF_POLICY} rules (one per source prefix); at most ${PREF_CLASS - PREF_POLICY} fit`,
    );
  if (units.length > 1000)
    throw new RoutingPlanError(`${units.length} steering units; at most 1000`);
  rules.push({ pref: PREF_UNCLASSIFIED, table: UNIT_TABLE_BASE + unclassified.index });
  return rules;
}

const ruleArgs = (r: RuleSpec) =>
  [
    `pref ${r.pref}`,
    r.fwmark === undefined ? "" : `fwmark ${hex(r.fwmark)}`,
    r.src ? `from ${r.src}` : "",
    `lookup ${r.table}`,
  ]
    .filter(Boolean)
    .join(" ");
const ruleId = (r: RuleSpec) => `${r.pref}|${r.fwmark ?? ""}|${r.src ?? ""}|${r.table}`;

/** `ip -json -4 rule show` → the rules in the agent's ranges. */
export function parseRules(json: readonly Record<string, unknown>[]): RuleSpec[] {
  const out: RuleSpec[] = [];
  for (const r of json) {
    const pref = Number(r.priority);
    const table = Number(r.table);
    if (!isOurPref(pref) || !isOurTable(table)) continue;
    if (r.fwmask !== undefined && r.fwmask !== "0xffffffff") continue;
    const src =
      typeof r.src === "string" && r.src !== "all" ? `${r.src}/${r.srclen ?? 32}` : undefined;
    out.push({
      pref,
      table,
      ...(r.fwmark === undefined ? {} : { fwmark: Number(r.fwmark) >>> 0 }),
      ...(src ? { src } : {}),
    });
  }
  return out;
}

/** Adds before deletes: a rule that moves keeps matching throughout. */
export function diffRules(actual: readonly RuleSpec[], desired: readonly RuleSpec[]): string[] {
  const have = new Set(actual.map(ruleId));
  const want = new Set(desired.map(ruleId));
  return [
    ...desired.filter((r) => !have.has(ruleId(r))).map((r) => `rule add ${ruleArgs(r)}`),
    ...actual.filter((r) => !want.has(ruleId(r))).map((r) => `rule del ${ruleArgs(r)}`),
  ];
}

// --- routes ----------------------------------------------------------------------------

/** Per link: its default route (gateway from the config, else the main table's default
 * route on that interface, else on-link), and the unreachable fallback. */
export function planLinkRoutes(
  links: readonly OverlayLink[],
  mainGateways: ReadonlyMap<string, string>,
): RouteSpec[] {
  return links.flatMap((l, i) => {
    const table = LINK_TABLE_BASE + i;
    const gateway = l.gateway ?? mainGateways.get(l.ifname);
    return [
      { table, dst: "default", type: "unicast", dev: l.ifname, ...(gateway ? { gateway } : {}) },
      { table, dst: "default", type: "unreachable", metric: UNREACHABLE_METRIC },
    ] satisfies RouteSpec[];
  });
}

/** What the unit tables route where, given what each unit uses to each remote site. */
export interface RoutingModel {
  unitTable: Map<string, number>;
  /** Remote site → the prefixes routed to it (a prefix two sites claim goes to the one
   * claiming fewer prefixes, the site itself rather than a hub that carries it too). */
  sitePrefixes: Map<string, string[]>;
  pathIfname: Map<string, string>;
  /**
   * Unit → the remote sites it prefers. A default route through the overlay (a cloud
   * gateway's 0.0.0.0/0: internet breakout) goes only into the tables of units that
   * prefer that site; everything else, the box's own traffic included, breaks out locally.
   */
  prefers: Map<string, Set<string>>;
}

export function buildModel(config: OverlayConfig, units: readonly Unit[]): RoutingModel {
  const claims = new Map<string, Set<string>>();
  for (const p of config.paths) {
    const set = claims.get(p.remote.siteId) ?? new Set<string>();
    claims.set(p.remote.siteId, set);
    for (const c of p.prefixes) {
      const n = normalizePrefix(c);
      set.add(n === "0.0.0.0/0" ? "default" : n); // as `ip route` names it
    }
  }
  const siteOfPath = new Map(config.paths.map((p) => [p.id, p.remote.siteId]));
  const owner = new Map<string, string>();
  const sites = [...claims.keys()].sort(
    (a, b) => claims.get(a)!.size - claims.get(b)!.size || (a < b ? -1 : 1),
  );
  for (const site of sites)
    for (const c of claims.get(site)!) if (!owner.has(c)) owner.set(c, site);
  const sitePrefixes = new Map<string, string[]>();
  for (const [c, site] of owner) sitePrefixes.set(site, [...(sitePrefixes.get(site) ?? []), c]);
  return {
    unitTable: new Map(units.map((u) => [u.key, UNIT_TABLE_BASE + u.index])),
    sitePrefixes,
    pathIfname: new Map(config.paths.map((p) => [p.id, p.ifname])),
    prefers: new Map(
      units.map((u) => [
        u.key,
        new Set(u.preferred.map((id) => siteOfPath.get(id)).filter((x) => x !== undefined)),
      ]),
    ),
  };
}

/** The routes of one unit's table towards one site; none when it has no path there. */
export function unitSiteRoutes(
  model: RoutingModel,
  unit: string,
  site: string,
  pathId: string | null,
): { table: number; dsts: string[]; dev: string | null } | null {
  const table = model.unitTable.get(unit);
  if (table === undefined) return null;
  const dev = pathId === null ? null : (model.pathIfname.get(pathId) ?? null);
  const optedIn = model.prefers.get(unit)?.has(site) ?? false;
  const dsts = (model.sitePrefixes.get(site) ?? []).filter((d) => d !== "default" || optedIn);
  return { table, dsts, dev };
}

export function planUnitRoutes(
  model: RoutingModel,
  selections: readonly { unit: string; remoteSiteId: string; pathId: string | null }[],
): RouteSpec[] {
  const out: RouteSpec[] = [];
  for (const s of selections) {
    const r = unitSiteRoutes(model, s.unit, s.remoteSiteId, s.pathId);
    if (!r?.dev) continue;
    for (const dst of r.dsts) out.push({ table: r.table, dst, type: "unicast", dev: r.dev });
  }
  return out;
}

const routeKey = (r: RouteSpec) => `${r.table}|${r.dst}|${r.type}|${r.metric ?? 0}`;
const routeVal = (r: RouteSpec) => `${r.dev ?? ""}|${r.gateway ?? ""}`;

export function routeLine(op: "replace" | "del", r: RouteSpec): string {
  const parts = [`route ${op}`];
  if (r.type === "unreachable") parts.push("unreachable");
  parts.push(r.dst);
  if (op === "replace" && r.gateway) parts.push(`via ${r.gateway}`);
  if (op === "replace" && r.dev) parts.push(`dev ${r.dev}`);
  if (r.metric) parts.push(`metric ${r.metric}`);
  parts.push(`table ${r.table}`);
  return parts.join(" ");
}

/** `ip -json -4 route show table all` → the routes in the agent's tables. */
export function parseRoutes(json: readonly Record<string, unknown>[]): RouteSpec[] {
  const out: RouteSpec[] = [];
  for (const r of json) {
    const table = Number(r.table);
    if (!isOurTable(table)) continue;
    const type = r.type === "unreachable" ? "unreachable" : r.type ? null : "unicast";
    if (!type) continue;
    const dst = String(r.dst);
    out.push({
      table,
      dst: dst === "default" || dst.includes("/") ? dst : `${dst}/32`,
      type,
      ...(typeof r.dev === "string" ? { dev: r.dev } : {}),
      ...(typeof r.gateway === "string" ? { gateway: r.gateway } : {}),
      ...(r.metric ? { metric: Number(r.metric) } : {}),
    });
  }
  return out;
}

/** Replaces what differs or is missing, deletes what is no longer wanted. */
export function diffRoutes(actual: readonly RouteSpec[], desired: readonly RouteSpec[]): string[] {
  const have = new Map(actual.map((r) => [routeKey(r), routeVal(r)]));
  const want = new Set(desired.map(routeKey));
  return [
    ...desired
      .filter((r) => have.get(routeKey(r)) !== routeVal(r))
      .map((r) => routeLine("replace", r)),
    ...actual.filter((r) => !want.has(routeKey(r))).map((r) => routeLine("del", r)),
  ];
}

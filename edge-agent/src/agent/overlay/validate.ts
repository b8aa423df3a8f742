// Pure checks of an overlay config beyond its schema: what would make this device fail
// halfway through an apply is refused before anything changes.
import { planApps } from "./apps";
import { planRules } from "./routing-plan";
import type { OverlayConfig } from "./types";
import { unitsOf } from "./units";
import { planSegments } from "./vxlan-plan";

export class OverlayConfigError extends Error {
  override name = "OverlayConfigError";
}

function unique<T>(items: readonly T[], what: string, key: (t: T) => string | number) {
  const seen = new Set<string | number>();
  for (const t of items) {
    const k = key(t);
    if (seen.has(k)) throw new OverlayConfigError(`overlay: ${what} ${k} appears twice`);
    seen.add(k);
  }
}

/** Throws OverlayConfigError naming the problem; returns the units on success. */
/** Names of the agent's tunnels (the compiler makes "pw" + 8 hex digits). */
const TUNNEL_NAME = /^pw[0-9a-z]{1,13}$/;

export function validateOverlay(config: OverlayConfig) {
  unique(config.links, "link id", (l) => l.id);
  unique(config.links, "link interface", (l) => l.ifname);
  unique(config.paths, "path id", (p) => p.id);
  unique(config.paths, "tunnel interface", (p) => p.ifname);
  unique(config.paths, "listen port", (p) => p.listenPort);
  unique(config.policies, "policy id", (p) => p.id);
  unique(config.segments ?? [], "segment VNI", (s) => s.vni);
  const links = new Set(config.links.map((l) => l.id));
  const linkIfs = new Set(config.links.map((l) => l.ifname));
  const classes = new Set(config.classes.map((c) => c.id));
  for (const p of config.paths) {
    if (!links.has(p.localLink))
      throw new OverlayConfigError(
        `overlay: path ${p.id} uses link ${p.localLink}, which is not in links`,
      );
    if (!TUNNEL_NAME.test(p.ifname))
      throw new OverlayConfigError(
        `overlay: ${p.ifname} is not a tunnel name ("pw" + letters and digits): the agent would manage, and delete, an interface that is not its own`,
      );
    if (linkIfs.has(p.ifname))
      throw new OverlayConfigError(`overlay: tunnel ${p.ifname} has the name of a WAN link`);
  }
  for (const p of config.policies)
    if (p.classId !== undefined && !classes.has(p.classId))
      throw new OverlayConfigError(
        `overlay: policy ${p.id} names class ${p.classId}, which is not in classes`,
      );
  try {
    planApps(config.classes);
    const { units, unclassified } = unitsOf(config);
    planRules(config, units, unclassified);
    planSegments(config);
    return { units, unclassified };
  } catch (e) {
    throw new OverlayConfigError(`overlay: ${(e as Error).message}`);
  }
}

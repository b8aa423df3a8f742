// Pure: the steering units of an overlay config, in table order (docs/overlay.md "Marks
// and tables"): every policy by priority, then every class, then the unit that carries
// unclassified traffic. That last one is the class of kind "default" when the config has
// one, else an implicit `class:default` unit without an SLA.
import type { OnViolation, OverlayConfig, Sla } from "./types";

export interface Unit {
  /** `policy:<id>`, `class:<id>` or `class:default`. */
  key: string;
  name: string;
  /** Position: the unit's routing table is UNIT_TABLE_BASE + index. */
  index: number;
  sla?: Sla;
  onViolation: OnViolation;
  /** Path ids in order of preference (may name paths to several sites). */
  preferred: string[];
  /** What the unit's ip rules match. */
  match:
    | { kind: "policy"; classId?: number; sources: string[] }
    | { kind: "class"; classId: number; classified: boolean }
    | { kind: "unclassified" };
}

export const DEFAULT_UNIT = "class:default";

/** Policies in priority order; equal priorities keep their id order, so every agent agrees. */
export function sortedPolicies(config: OverlayConfig) {
  return [...config.policies].sort(
    (a, b) => a.priority - b.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

export function unitsOf(config: OverlayConfig): { units: Unit[]; unclassified: Unit } {
  const classes = new Map(config.classes.map((c) => [c.id, c]));
  const units: Unit[] = [];
  for (const p of sortedPolicies(config)) {
    const sla = p.sla ?? (p.classId === undefined ? undefined : classes.get(p.classId)?.sla);
    units.push({
      key: `policy:${p.id}`,
      name: p.name,
      index: units.length,
      ...(sla ? { sla } : {}),
      onViolation: p.onViolation,
      preferred: p.preferred,
      match: {
        kind: "policy",
        ...(p.classId === undefined ? {} : { classId: p.classId }),
        sources: p.sources,
      },
    });
  }
  for (const c of config.classes)
    units.push({
      key: `class:${c.id}`,
      name: c.name,
      index: units.length,
      ...(c.sla ? { sla: c.sla } : {}),
      onViolation: "best_effort",
      preferred: [],
      match: { kind: "class", classId: c.id, classified: c.match.length > 0 },
    });
  const named = config.classes.find((c) => c.kind === "default");
  let unclassified = named ? units.find((u) => u.key === `class:${named.id}`)! : undefined;
  if (!unclassified) {
    unclassified = {
      key: DEFAULT_UNIT,
      name: "Default",
      index: units.length,
      onViolation: "best_effort",
      preferred: [],
      match: { kind: "unclassified" },
    };
    units.push(unclassified);
  }
  return { units, unclassified };
}

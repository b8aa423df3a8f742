// Rules turn signals into firing conditions: a signal fires under a rule of its kind when it
// is in the rule's scope (sites, device tags), passes its thresholds and has held for the
// rule's forSeconds. Under several rules, the most severe one names it.
import { type Rule, type Severity, severityRank } from "../rules/catalog";
import type { Signal } from "./signals";

export interface Condition extends Signal {
  /** kind:objectKey, unique within the org. */
  key: string;
  ruleId: string;
  severity: Severity;
}

function inScope(rule: Rule, s: Signal) {
  if (rule.siteIds.length > 0 && (s.siteId === null || !rule.siteIds.includes(s.siteId)))
    return false;
  if (rule.tags.length > 0 && !s.tags.some((t) => rule.tags.includes(t))) return false;
  return true;
}

/** Whether the signal passes the rule's thresholds, and since when it does. */
function firingSince(rule: Rule, s: Signal, now: Date): Date | null {
  switch (rule.kind) {
    case "sla_violation": {
      const classes = (rule.params.classes as string[] | undefined) ?? [];
      return classes.length === 0 || classes.includes(s.unitName ?? "") ? s.since : null;
    }
    case "failover_storm": {
      const changes = rule.params.changes as number;
      const from = now.getTime() - (rule.params.windowSeconds as number) * 1000;
      const inWindow = (s.times ?? []).filter((t) => t.getTime() > from);
      return inWindow.length >= changes ? (inWindow[0] as Date) : null;
    }
    case "cert_expiry": {
      const days = rule.params.days as number;
      // The signal's since is the expiry; the condition starts `days` before it.
      const start = new Date(s.since.getTime() - days * 86_400_000);
      return start <= now ? start : null;
    }
    case "quota":
      return (s.percent ?? 0) >= (rule.params.percent as number) ? s.since : null;
    default:
      return s.since;
  }
}

export function applyRules(rules: readonly Rule[], signals: readonly Signal[], now: Date) {
  const fired = new Map<string, Condition>();
  for (const s of signals) {
    for (const rule of rules) {
      if (rule.kind !== s.kind || !inScope(rule, s)) continue;
      const since = firingSince(rule, s, now);
      if (!since || now.getTime() - since.getTime() < rule.forSeconds * 1000) continue;
      const key = `${s.kind}:${s.objectKey}`;
      const have = fired.get(key);
      if (have && severityRank(have.severity) >= severityRank(rule.severity)) continue;
      fired.set(key, { ...s, since, key, ruleId: rule.id, severity: rule.severity });
    }
  }
  return [...fired.values()];
}

/** A firing storm is looked at again this soon: its changes leave the window as time passes. */
const STORM_RECHECK_MS = 60_000;

/**
 * When the evaluator must look at this org again without any change of it: the earliest
 * time a condition that holds would fire (its rule's forSeconds), or a firing storm's
 * window moves on; null when nothing is pending.
 */
export function nextDue(
  rules: readonly Rule[],
  signals: readonly Signal[],
  now: Date,
): Date | null {
  let due: number | null = null;
  const consider = (t: number) => {
    if (t > now.getTime() && (due === null || t < due)) due = t;
  };
  for (const s of signals)
    for (const rule of rules) {
      if (rule.kind !== s.kind || !inScope(rule, s)) continue;
      const since = firingSince(rule, s, now);
      if (!since) continue;
      consider(since.getTime() + rule.forSeconds * 1000);
      if (rule.kind === "failover_storm") consider(now.getTime() + STORM_RECHECK_MS);
    }
  return due === null ? null : new Date(due);
}

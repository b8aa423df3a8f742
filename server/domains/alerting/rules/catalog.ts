// The kinds of alert rule: what each watches, its thresholds (params, checked by the kind's
// schema), and the rule every org starts with (docs/alerting.md lists them).
import { z } from "zod";
import { zText } from "../../../../protocol/text";

export const SEVERITIES = ["info", "minor", "major", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];
export const ZSeverity = z.enum(SEVERITIES);
export const severityRank = (s: string) => SEVERITIES.indexOf(s as Severity);

const none = z.strictObject({});
const percent = z.number().int().min(1).max(100);

export const RULE_KINDS = {
  device_offline: {
    description: "A device has not been connected to the control plane",
    params: none,
    defaults: { name: "Device offline", severity: "major", forSeconds: 120, params: {} },
  },
  path_down: {
    description: "A path between two sites stopped answering probes",
    params: none,
    defaults: { name: "Path down", severity: "major", forSeconds: 60, params: {} },
  },
  sla_violation: {
    description: "An application class misses its SLA on the path it uses",
    params: z.strictObject({
      /** Only these classes or policies (their names); empty: every one. */
      classes: z.array(zText().min(1).max(100)).max(50).default([]),
    }),
    defaults: { name: "SLA violated", severity: "minor", forSeconds: 300, params: { classes: [] } },
  },
  failover_storm: {
    description: "Traffic keeps moving between paths (flapping)",
    params: z.strictObject({
      /** Failovers and failbacks of one class towards one site within windowSeconds. */
      changes: z.number().int().min(2).max(1000),
      windowSeconds: z.number().int().min(60).max(86_400),
    }),
    defaults: {
      name: "Failover storm",
      severity: "minor",
      forSeconds: 0,
      params: { changes: 6, windowSeconds: 600 },
    },
  },
  rollout_halted: {
    description: "A configuration rollout stopped because too many devices failed",
    params: none,
    defaults: { name: "Rollout halted", severity: "major", forSeconds: 0, params: {} },
  },
  config_failed: {
    description: "A device could not apply its configuration",
    params: none,
    defaults: { name: "Configuration failed", severity: "major", forSeconds: 0, params: {} },
  },
  cert_expiry: {
    description: "A device's certificate expires soon",
    params: z.strictObject({ days: z.number().int().min(1).max(365) }),
    defaults: {
      name: "Certificate expiring",
      severity: "minor",
      forSeconds: 0,
      params: { days: 14 },
    },
  },
  quota: {
    description: "Sites, devices or data near or at the plan's limit",
    params: z.strictObject({ percent }),
    defaults: {
      name: "Quota near limit",
      severity: "minor",
      forSeconds: 0,
      params: { percent: 90 },
    },
  },
  billing_grace: {
    description: "A payment failed: the org becomes read-only when the grace period ends",
    params: none,
    defaults: { name: "Billing grace period", severity: "major", forSeconds: 0, params: {} },
  },
} as const satisfies Record<
  string,
  {
    description: string;
    params: z.ZodType;
    defaults: { name: string; severity: Severity; forSeconds: number; params: object };
  }
>;

export type RuleKind = keyof typeof RULE_KINDS;
export const KINDS = Object.keys(RULE_KINDS) as RuleKind[];
export const ZRuleKind = z.enum(KINDS as [RuleKind, ...RuleKind[]]);
export type ParamsOf<K extends RuleKind> = z.output<(typeof RULE_KINDS)[K]["params"]>;

/** A rule's params, checked against its kind; a clear error names the field. */
export function parseParams<K extends RuleKind>(kind: K, params: unknown): ParamsOf<K> {
  return RULE_KINDS[kind].params.parse(params ?? {}) as ParamsOf<K>;
}

/** A stored rule as the evaluator uses it (params parsed; a row a later release cannot read is skipped). */
export interface Rule {
  id: string;
  kind: RuleKind;
  name: string;
  severity: Severity;
  forSeconds: number;
  siteIds: string[];
  tags: string[];
  params: Record<string, unknown>;
}

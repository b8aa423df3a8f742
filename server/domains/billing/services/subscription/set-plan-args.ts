// Command-line input of scripts/billing-set-plan.ts, validated with messages an operator
// can act on. Pure, so every refusal is unit-tested without starting a process.
import { parseArgs } from "node:util";
import { ZPlanKey } from "../plans";
import type { PlanOverrideInput } from "./set-plan-override";

export const SET_PLAN_USAGE =
  "usage: npm run billing:set-plan -- --org <slug> --plan enterprise|standard|free " +
  "[--sites N] [--devices N] [--members N] [--api-keys N] [--customer-orgs N] [--included-gb N]\n" +
  "       npm run billing:set-plan -- --org <slug> --clear";

const LIMIT_FLAGS = {
  sites: "sites",
  devices: "devices",
  members: "members",
  "api-keys": "apiKeys",
  "customer-orgs": "customerOrgs",
  "included-gb": "includedGb",
} as const;
type LimitFlag = keyof typeof LIMIT_FLAGS;

export class UsageError extends Error {}

function read(args: string[]) {
  try {
    return parseArgs({
      args,
      options: {
        org: { type: "string" },
        plan: { type: "string" },
        clear: { type: "boolean", default: false },
        ...Object.fromEntries(Object.keys(LIMIT_FLAGS).map((k) => [k, { type: "string" }])),
      },
    }).values as Record<string, string | boolean | undefined>;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export function parseSetPlanArgs(args: string[]): PlanOverrideInput {
  const v = read(args);
  const org = v.org;
  if (typeof org !== "string" || !org) throw new UsageError("--org <slug> is required");
  const flags = (Object.keys(LIMIT_FLAGS) as LimitFlag[]).filter((k) => v[k] !== undefined);
  if (v.clear) {
    if (v.plan !== undefined || flags.length)
      throw new UsageError("--clear takes no --plan or limits");
    return { orgSlug: org, clear: true };
  }
  const plan = ZPlanKey.safeParse(v.plan);
  if (!plan.success)
    throw new UsageError(`--plan must be enterprise, standard or free (got ${v.plan ?? "none"})`);
  const limits: Record<string, number> = {};
  for (const flag of flags) {
    const raw = String(v[flag]);
    const whole = flag !== "included-gb";
    const ok = whole ? /^\d+$/.test(raw) : /^\d+(\.\d+)?$/.test(raw);
    if (!ok || !Number.isFinite(Number(raw)))
      throw new UsageError(
        `--${flag} must be a non-negative ${whole ? "whole number" : "number"} (got ${raw})`,
      );
    limits[LIMIT_FLAGS[flag]] = Number(raw);
  }
  return { orgSlug: org, plan: plan.data, limits };
}

// patronus policy apply -f rules.yaml: makes the org's policy rules those of the file. Rules
// are matched by place (site and priority, `*#100`), diffed on their other fields, and the
// plan is printed, confirmed, then applied: deletions, updates (PATCH), creations (POST).
import { readFile } from "node:fs/promises";
import { collect, paginate } from "../../sdk/typescript/src/index";
import { type Command, type Context, ORG_OPTION } from "../command";
import { Declined, InputError, UsageError } from "../errors";
import { type Change, formatPlan, type Plan, planRules } from "../policy/diff";
import { parseRulesFile, placeOf, type Rule } from "../policy/rules-file";
import { confirm } from "../prompt";

type Named = Rule & { name: string };

/** The fields a change compares; siteId and priority are the rule's place (its name). */
export const COMPARED = ["action", "src", "dst", "proto", "ports", "description"] as const;

const portsText = (p: Rule["ports"]) => (p ? (p.lo === p.hi ? `${p.lo}` : `${p.lo}-${p.hi}`) : "");

/** `allow tcp 10.0.0.0/8 → 10.1.0.0/16:443 "web"` */
export function showRule(r: Rule) {
  const ports = r.ports ? `:${portsText(r.ports)}` : "";
  const description = r.description ? ` ${JSON.stringify(r.description)}` : "";
  return `${r.action} ${r.proto} ${r.src} → ${r.dst}${ports}${description}`;
}

export function showField(r: Rule, field: string) {
  if (field === "ports") return r.ports ? portsText(r.ports) : "none";
  if (field === "description") return JSON.stringify(r.description);
  return String(r[field as keyof Rule]);
}

const jsonOf = (c: Change<Named>) => {
  const strip = ({ name: _, ...rule }: Named) => rule;
  if (c.kind === "create") return { kind: c.kind, place: c.name, desired: strip(c.desired) };
  if (c.kind === "delete")
    return { kind: c.kind, place: c.name, id: c.id, current: strip(c.current) };
  return {
    kind: c.kind,
    place: c.name,
    id: c.id,
    fields: c.fields,
    current: strip(c.current),
    desired: strip(c.desired),
  };
};

async function readRules(file: string) {
  const text = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    throw new InputError(`${file}: ${error.code === "ENOENT" ? "no such file" : error.message}`);
  });
  return parseRulesFile(file, text).map((r) => ({ ...r, name: placeOf(r) }));
}

type Api = Awaited<ReturnType<Context["api"]>>;

async function applyPlan(
  ctx: Context,
  { patronus, orgSlug }: Api,
  plan: Plan<Named>,
  json: boolean,
) {
  let done = 0;
  try {
    for (const c of plan) {
      if (c.kind === "delete") {
        await patronus.DELETE("/orgs/{orgSlug}/policy-rules/{ruleId}", {
          params: { path: { orgSlug, ruleId: c.id } },
        });
      } else if (c.kind === "update") {
        const body = Object.fromEntries(c.fields.map((f) => [f, c.desired[f as keyof Rule]]));
        await patronus.PATCH("/orgs/{orgSlug}/policy-rules/{ruleId}", {
          params: { path: { orgSlug, ruleId: c.id } },
          body,
        });
      } else {
        const { name: _, ...rule } = c.desired;
        // The SDK gives every POST an Idempotency-Key, so a retried creation is made once.
        await patronus.POST("/orgs/{orgSlug}/policy-rules", {
          params: { path: { orgSlug } },
          body: rule,
        });
      }
      done++;
      if (!json)
        ctx.out(`${c.kind === "create" ? "+" : c.kind === "update" ? "~" : "-"} ${c.name} done`);
    }
  } catch (error) {
    ctx.io.stderr.write(
      `patronus: stopped after ${done} of ${plan.length} change(s); the rest were not applied\n`,
    );
    throw error;
  }
}

export const policyApply: Command = {
  words: ["policy", "apply"],
  summary: "Make the org's policy rules those of a YAML file (plan, confirm, apply)",
  options: {
    ...ORG_OPTION,
    file: {
      type: "string",
      short: "f",
      value: "FILE",
      description: "The rules file (YAML: rules: [...])",
      file: true,
    },
    yes: { type: "boolean", short: "y", description: "Apply without asking" },
    "dry-run": { type: "boolean", description: "Print the plan and stop" },
    json: { type: "boolean", description: "Print the plan as JSON" },
  },
  details:
    "The file is the whole list of the org's rules: a rule is known by its site (or all\n" +
    "sites) and priority; rules on the server the file does not name are deleted.\n" +
    "Without --yes, stdin must be a terminal to confirm.",
  async run(ctx) {
    const { values, io, out } = ctx;
    const file = values.file as string | undefined;
    if (!file) throw new UsageError("policy apply needs -f FILE");
    const desired = await readRules(file);
    const { patronus, orgSlug } = await ctx.api();
    const current = await collect(
      paginate((cursor) =>
        patronus.GET("/orgs/{orgSlug}/policy-rules", {
          params: { path: { orgSlug }, query: { cursor, limit: 500 } },
        }),
      ),
    );
    // The API's view is the file's shape with an id; ports rebuilt in the file's key order.
    const named = current.map((r) => ({
      ...r,
      name: placeOf(r),
      ports: r.ports && { lo: r.ports.lo, hi: r.ports.hi },
    }));
    const plan = planRules<Named>(desired, named, COMPARED);
    const json = !!values.json;
    if (json) out(JSON.stringify({ changes: plan.map(jsonOf) }, null, 2));
    else for (const line of formatPlan(plan, showRule, showField)) out(line);
    if (plan.length === 0 || values["dry-run"]) return 0;
    if (!values.yes) {
      if (!io.stdin.isTTY)
        throw new UsageError(
          "not applied: stdin is not a terminal to confirm; pass --yes to apply (or --dry-run)",
        );
      if (!(await confirm(io, `Apply ${plan.length} change(s) to ${orgSlug}?`)))
        throw new Declined("Not applied.");
    }
    await applyPlan(ctx, { patronus, orgSlug }, plan, json);
    if (!json) out(`Applied ${plan.length} change(s).`);
    return 0;
  },
};

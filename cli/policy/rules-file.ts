// The file of `patronus policy apply`: `rules:`, a list of policy rules in the API's shape,
// checked with the API's bounds before anything is sent. A rule has no name: it is known by
// its place, its site (or all sites) and its priority, so two rules at one place are refused.
// The checks mirror ZRuleInput (server/domains/policy/schemas.ts) and ZCidr4
// (protocol/primitives.ts): the CLI imports only the SDK (test/architecture/import-rules.ts).
import { z } from "zod";
import { parseYamlFile } from "../yaml-input";

/** Control characters, DEL/C1 and direction overrides: text the API refuses. */
const UNPRINTABLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
const text = () =>
  z.string().refine((s) => !UNPRINTABLE.test(s), "control characters are not allowed");

const cidr4 = text()
  .max(18)
  .regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/, "expected an IPv4 prefix such as 10.0.0.0/24")
  .refine((s) => {
    const [addr, len] = s.split("/") as [string, string];
    return Number(len) <= 32 && addr.split(".").every((o) => Number(o) <= 255);
  }, "not a valid IPv4 prefix");
const port = z.number().int().min(1).max(65535);

export const ZRule = z
  .strictObject({
    siteId: text().min(1).max(64).nullable().default(null),
    priority: z.number().int().min(0).max(100000),
    action: z.enum(["allow", "deny"]),
    src: cidr4,
    dst: cidr4,
    proto: z.enum(["tcp", "udp", "icmp", "any"]).default("any"),
    ports: z
      .strictObject({ lo: port, hi: port })
      .refine((r) => r.lo <= r.hi, "the first port must not be above the last")
      .nullable()
      .default(null),
    description: text().max(200).default(""),
  })
  .refine((r) => !r.ports || r.proto === "tcp" || r.proto === "udp", {
    message: "ports apply only to tcp or udp",
    path: ["ports"],
  });
export type Rule = z.output<typeof ZRule>;

/** Where a rule applies: `*#100` (all sites, priority 100) or `<siteId>#100`. */
export const placeOf = (r: { siteId: string | null; priority: number }) =>
  `${r.siteId ?? "*"}#${r.priority}`;

export const ZRulesFile = z.strictObject({
  rules: z.array(ZRule).superRefine((rules, ctx) => {
    const seen = new Map<string, number>();
    for (const [i, rule] of rules.entries()) {
      const place = placeOf(rule);
      const first = seen.get(place);
      if (first === undefined) seen.set(place, i);
      else
        ctx.addIssue({
          code: "custom",
          path: [i, "priority"],
          message: `rules[${first}] has the same site and priority (${place}): one rule a place`,
        });
    }
  }),
});

/** The rules of a file, defaults filled in; InputError (file:line:col: field: …) otherwise. */
export function parseRulesFile(file: string, text: string): Rule[] {
  return parseYamlFile(file, text, ZRulesFile).rules;
}

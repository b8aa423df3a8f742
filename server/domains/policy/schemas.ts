// Micro-segmentation rules, in the shapes the API accepts and the intent snapshot stores.
import { z } from "zod";
import { ZAction, ZCidr4, ZPort, ZProto } from "../../../protocol";
import { zText } from "../../../protocol/text";

const portRange = z
  .strictObject({ lo: ZPort, hi: ZPort })
  .refine((r) => r.lo <= r.hi, "the first port must not be above the last");

export const ZRuleInput = z
  .strictObject({
    siteId: zText().max(64).nullable().default(null),
    priority: z.number().int().min(0).max(100000),
    action: ZAction,
    src: ZCidr4,
    dst: ZCidr4,
    proto: ZProto.default("any"),
    ports: portRange.nullable().default(null),
    description: zText().max(200).default(""),
  })
  .refine((r) => !r.ports || r.proto === "tcp" || r.proto === "udp", {
    message: "ports apply only to tcp or udp",
    path: ["ports"],
  });
export type RuleInput = z.infer<typeof ZRuleInput>;

/** A stored rule, but for its ports (a row has two columns, the API one range). */
const ZStoredRule = z.object({
  id: zText(),
  siteId: zText().nullable(),
  priority: z.number(),
  action: ZAction,
  src: zText(),
  dst: zText(),
  proto: ZProto,
  description: zText(),
});

/** Rules as the intent snapshot stores them. */
export const ZRulesIntent = z.array(
  ZStoredRule.extend({ portLo: z.number().nullable(), portHi: z.number().nullable() }),
);
export type RulesIntent = z.infer<typeof ZRulesIntent>;

/** A rule as the policy router returns it: the input's shape, with its id. */
export const ZRuleView = ZStoredRule.extend({
  ports: z.object({ lo: z.number(), hi: z.number() }).nullable(),
});

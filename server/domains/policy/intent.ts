// The policy domain's intent section: micro-segmentation rules, in priority order.
import type { IntentSection } from "../../platform/features/contract";
import { ZRulesIntent } from "./schemas";

export const rulesSection = {
  key: "rules",
  schema: ZRulesIntent,
  async load(tx, orgId) {
    const rules = await tx.policyRule.findMany({
      where: { orgId },
      orderBy: [{ priority: "asc" }, { id: "asc" }],
    });
    return rules.map(({ orgId: _o, createdAt: _c, updatedAt: _u, ...r }) => r);
  },
  async restore(tx, orgId, { value, liveSites }) {
    await tx.policyRule.deleteMany({ where: { orgId } });
    const live = value.filter((r) => r.siteId === null || liveSites.has(r.siteId));
    await tx.policyRule.createMany({ data: live.map((r) => ({ ...r, orgId })) });
  },
} satisfies IntentSection<"rules", typeof ZRulesIntent>;

import { z } from "zod";
import { zText } from "../../../protocol/text";
import { ifMatch } from "../../api/conditional";
import { orgInput, orgInputOf, patched, patchShape, ZId } from "../../api/inputs";
import { restTag } from "../../api/rest-tag";
import { permissionProcedure, router } from "../../api/trpc";
import { ZRevisionResult, ZWriteResult } from "../../platform/features/intent-rows";
import { page, pageInput } from "../../platform/pagination";
import { ZRuleInput, ZRuleView } from "./schemas";
import { createRule, deleteRule, getRule, listRules, updateRule } from "./services/policy-rules";

const route = restTag("Policy rules");
/** If-Match on changes: compared with the ETag of the object's GET. */
const unchanged = ifMatch(
  ZRuleView,
  (tx, orgId, input: { ruleId: string }) => getRule(tx, orgId, input.ruleId),
  (input) => input.ruleId,
);

export const policyRouter = router({
  list: permissionProcedure("policy.read", route("GET /orgs/{orgSlug}/policy-rules"))
    .input(
      orgInput({
        ...pageInput(["priority", "createdAt"]),
        /** The rules of this site only (not the global ones, which apply to every site). */
        siteId: ZId.optional(),
        /** Rules whose description, source or destination contains this (any case). */
        q: zText().max(100).optional(),
        action: z.enum(["allow", "deny"]).optional(),
      }),
    )
    .output(page(ZRuleView))
    .query(({ ctx, input }) => listRules(ctx.tx, ctx.tenant.orgId, input)),

  get: permissionProcedure("policy.read", route("GET /orgs/{orgSlug}/policy-rules/{ruleId}"))
    .input(orgInput({ ruleId: ZId }))
    .output(ZRuleView)
    .query(({ ctx, input }) => getRule(ctx.tx, ctx.tenant.orgId, input.ruleId)),

  create: permissionProcedure("policy.write", route("POST /orgs/{orgSlug}/policy-rules", 201))
    .input(orgInputOf(ZRuleInput))
    .output(ZWriteResult)
    .mutation(({ ctx, input: { orgSlug: _o, ...rule } }) =>
      createRule(ctx.tx, ctx.principal, ctx.tenant, rule),
    ),

  update: permissionProcedure("policy.write", route("PATCH /orgs/{orgSlug}/policy-rules/{ruleId}"))
    .input(orgInput({ ruleId: ZId, ...patchShape(ZRuleInput.shape) }))
    .use(unchanged)
    .output(ZWriteResult)
    .mutation(async ({ ctx, input }) => {
      const current = await getRule(ctx.tx, ctx.tenant.orgId, input.ruleId);
      const rule = patched(ZRuleInput, current, input);
      return updateRule(ctx.tx, ctx.principal, ctx.tenant, input.ruleId, rule);
    }),

  delete: permissionProcedure("policy.write", route("DELETE /orgs/{orgSlug}/policy-rules/{ruleId}"))
    .input(orgInput({ ruleId: ZId }))
    .use(unchanged)
    .output(ZRevisionResult)
    .mutation(({ ctx, input }) => deleteRule(ctx.tx, ctx.principal, ctx.tenant, input.ruleId)),
});

/** This domain's routers, keyed by their place in the API (server/api/root.ts). */
export const policyRouters = { policy: policyRouter };

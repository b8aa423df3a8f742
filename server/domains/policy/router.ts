import { z } from "zod";
import { orgInput, ZId } from "../../api/inputs";
import { permissionProcedure, router } from "../../api/trpc";
import { ZRevisionResult, ZWriteResult } from "../../platform/features/intent-rows";
import { ZRuleInput, ZRuleView } from "./schemas";
import { createRule, deleteRule, listRules, updateRule } from "./services/policy-rules";

export const policyRouter = router({
  list: permissionProcedure("policy.read")
    .input(orgInput({}))
    .output(z.array(ZRuleView))
    .query(({ ctx }) => listRules(ctx.tx, ctx.tenant.orgId)),

  create: permissionProcedure("policy.write")
    .input(orgInput({ rule: ZRuleInput }))
    .output(ZWriteResult)
    .mutation(({ ctx, input }) => createRule(ctx.tx, ctx.user, ctx.tenant, input.rule)),

  update: permissionProcedure("policy.write")
    .input(orgInput({ ruleId: ZId, rule: ZRuleInput }))
    .output(ZWriteResult)
    .mutation(({ ctx, input }) =>
      updateRule(ctx.tx, ctx.user, ctx.tenant, input.ruleId, input.rule),
    ),

  delete: permissionProcedure("policy.write")
    .input(orgInput({ ruleId: ZId }))
    .output(ZRevisionResult)
    .mutation(({ ctx, input }) => deleteRule(ctx.tx, ctx.user, ctx.tenant, input.ruleId)),
});

/** This domain's routers, keyed by their place in the API (server/api/root.ts). */
export const policyRouters = { policy: policyRouter };

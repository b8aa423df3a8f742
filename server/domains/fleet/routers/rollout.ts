import { z } from "zod";
import { orgInput, ZId } from "../../../api/inputs";
import { permissionProcedure, router } from "../../../api/trpc";
import { ZFleetStatus, ZRollbackResult, ZRolloutSummary, ZRolloutView } from "../schemas";
import {
  fleetStatus,
  getRollout,
  listRollouts,
  rollback,
  updateRolloutSettings,
} from "../services/rollouts";

export const rolloutRouter = router({
  status: permissionProcedure("policy.read")
    .input(orgInput({}))
    .output(ZFleetStatus)
    .query(({ ctx }) => fleetStatus(ctx.tx, ctx.tenant.orgId)),

  list: permissionProcedure("policy.read")
    .input(orgInput({}))
    .output(z.array(ZRolloutSummary))
    .query(({ ctx }) => listRollouts(ctx.tx, ctx.tenant.orgId)),

  get: permissionProcedure("policy.read")
    .input(orgInput({ rolloutId: ZId }))
    .output(ZRolloutView)
    .query(({ ctx, input }) => getRollout(ctx.tx, ctx.tenant.orgId, input.rolloutId)),

  rollback: permissionProcedure("policy.write")
    .input(orgInput({ rolloutId: ZId }))
    .output(ZRollbackResult)
    .mutation(({ ctx, input }) => rollback(ctx.tx, ctx.user, ctx.tenant, input.rolloutId)),

  updateSettings: permissionProcedure("policy.write")
    .input(
      orgInput({
        canaryPercent: z.number().int().min(0).max(100),
        failureThreshold: z.number().int().min(1).max(10_000),
      }),
    )
    .output(z.void())
    .mutation(({ ctx, input }) =>
      updateRolloutSettings(ctx.tx, ctx.user, ctx.tenant, {
        canaryPercent: input.canaryPercent,
        failureThreshold: input.failureThreshold,
      }),
    ),
});

import { z } from "zod";
import { newestFirst, orgInput, ZId } from "../../../api/inputs";
import { permissionProcedure, rest, router } from "../../../api/trpc";
import { page, pageInput } from "../../../platform/pagination";
import {
  ZDeviceConfigDiff,
  ZFleetStatus,
  ZIntentDiff,
  ZRollbackResult,
  ZRolloutSummary,
  ZRolloutView,
} from "../schemas";
import { rolloutDeviceDiff, rolloutIntentDiff } from "../services/rollout-diff";
import {
  fleetStatus,
  getRollout,
  listRollouts,
  promoteRollout,
  rollback,
  updateRolloutSettings,
} from "../services/rollouts";

export const rolloutRouter = router({
  /** The org's revision, what is compiled, its rollout settings and its devices counted. */
  status: permissionProcedure("policy.read", rest("GET /orgs/{orgSlug}/rollout-status"))
    .input(orgInput({}))
    .output(ZFleetStatus)
    .query(({ ctx }) => fleetStatus(ctx.tx, ctx.tenant.orgId)),

  /** Newest first by default. */
  list: permissionProcedure("policy.read", rest("GET /orgs/{orgSlug}/rollouts"))
    .input(
      orgInput({
        ...pageInput(["revision", "startedAt"]),
        ...newestFirst,
        status: ZRolloutSummary.shape.status.optional(),
      }),
    )
    .output(page(ZRolloutSummary))
    .query(({ ctx, input }) => listRollouts(ctx.tx, ctx.tenant.orgId, input)),

  get: permissionProcedure("policy.read", rest("GET /orgs/{orgSlug}/rollouts/{rolloutId}"))
    .input(orgInput({ rolloutId: ZId }))
    .output(ZRolloutView)
    .query(({ ctx, input }) => getRollout(ctx.tx, ctx.tenant.orgId, input.rolloutId)),

  /** Which intent sections (rules, sites, …) the rollout changed, since the previous rollout. */
  intentDiff: permissionProcedure(
    "policy.read",
    rest("GET /orgs/{orgSlug}/rollouts/{rolloutId}/intent-diff"),
  )
    .input(orgInput({ rolloutId: ZId }))
    .output(ZIntentDiff)
    .query(({ ctx, input }) => rolloutIntentDiff(ctx.tx, ctx.tenant.orgId, input.rolloutId)),

  /** What the rollout changes in one device's desired state, section by section. */
  deviceDiff: permissionProcedure(
    "policy.read",
    rest("GET /orgs/{orgSlug}/rollouts/{rolloutId}/devices/{deviceId}/diff"),
  )
    .input(orgInput({ rolloutId: ZId, deviceId: ZId }))
    .output(ZDeviceConfigDiff)
    .query(({ ctx, input }) =>
      rolloutDeviceDiff(ctx.tx, ctx.tenant.orgId, input.rolloutId, input.deviceId),
    ),

  /** Gives the rest of a canary-stage rollout's devices its revision now. */
  promote: permissionProcedure(
    "policy.write",
    rest("POST /orgs/{orgSlug}/rollouts/{rolloutId}/promote"),
  )
    .input(orgInput({ rolloutId: ZId }))
    .output(ZRolloutView)
    .mutation(({ ctx, input }) =>
      promoteRollout(ctx.tx, ctx.principal, ctx.tenant, input.rolloutId),
    ),

  /** Restores the intent of the revision before this rollout, as a new revision. */
  rollback: permissionProcedure(
    "policy.write",
    rest("POST /orgs/{orgSlug}/rollouts/{rolloutId}/rollback"),
  )
    .input(orgInput({ rolloutId: ZId }))
    .output(ZRollbackResult)
    .mutation(({ ctx, input }) => rollback(ctx.tx, ctx.principal, ctx.tenant, input.rolloutId)),

  updateSettings: permissionProcedure(
    "policy.write",
    rest("PUT /orgs/{orgSlug}/rollout-settings", 204),
  )
    .input(
      orgInput({
        canaryPercent: z.number().int().min(0).max(100),
        failureThreshold: z.number().int().min(1).max(10_000),
      }),
    )
    .output(z.void())
    .mutation(({ ctx, input }) =>
      updateRolloutSettings(ctx.tx, ctx.principal, ctx.tenant, {
        canaryPercent: input.canaryPercent,
        failureThreshold: input.failureThreshold,
      }),
    ),
});

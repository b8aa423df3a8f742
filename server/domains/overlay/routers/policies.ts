// Steering policies: a short per-org list, paged in memory, ordered by priority.
import { zText } from "../../../../protocol/text";
import { ifMatch } from "../../../api/conditional";
import { orgInput, orgInputOf, patched, patchShape, ZId } from "../../../api/inputs";
import { restTag } from "../../../api/rest-tag";
import { permissionProcedure, router } from "../../../api/trpc";
import { ZRevisionResult, ZWriteResult } from "../../../platform/features/intent-rows";
import { named } from "../../../platform/list-filters";
import { page, pageInMemory, pageInput } from "../../../platform/pagination";
import { ZSteeringPolicyInput } from "../schemas";
import { ZSteeringPolicyView } from "../services/outputs";
import {
  createPolicy,
  deletePolicy,
  getPolicy,
  listPolicies,
  updatePolicy,
} from "../services/policies";

const route = restTag("Steering policies");
/** If-Match on changes: compared with the ETag of the object's GET. */
const unchanged = ifMatch(
  ZSteeringPolicyView,
  (tx, orgId, input: { steeringPolicyId: string }) => getPolicy(tx, orgId, input.steeringPolicyId),
  (input) => input.steeringPolicyId,
);

export const policies = router({
  list: permissionProcedure("policy.read", route("GET /orgs/{orgSlug}/steering-policies"))
    .input(
      orgInput({
        ...pageInput(["priority", "name"]),
        q: zText().max(100).optional(),
        /** The policies scoped to this site (not the org-wide ones). */
        siteId: ZId.optional(),
      }),
    )
    .output(page(ZSteeringPolicyView))
    .query(async ({ ctx, input }) => {
      const all = named(await listPolicies(ctx.tx, ctx.tenant.orgId), input.q);
      const kept = input.siteId ? all.filter((p) => p.siteId === input.siteId) : all;
      return pageInMemory(kept, input);
    }),

  get: permissionProcedure(
    "policy.read",
    route("GET /orgs/{orgSlug}/steering-policies/{steeringPolicyId}"),
  )
    .input(orgInput({ steeringPolicyId: ZId }))
    .output(ZSteeringPolicyView)
    .query(({ ctx, input }) => getPolicy(ctx.tx, ctx.tenant.orgId, input.steeringPolicyId)),

  create: permissionProcedure("policy.write", route("POST /orgs/{orgSlug}/steering-policies", 201))
    .input(orgInputOf(ZSteeringPolicyInput))
    .output(ZWriteResult)
    .mutation(({ ctx, input: { orgSlug: _o, ...policy } }) =>
      createPolicy(ctx.tx, ctx.principal, ctx.tenant, policy),
    ),

  update: permissionProcedure(
    "policy.write",
    route("PATCH /orgs/{orgSlug}/steering-policies/{steeringPolicyId}"),
  )
    .input(orgInput({ steeringPolicyId: ZId, ...patchShape(ZSteeringPolicyInput.shape) }))
    .use(unchanged)
    .output(ZWriteResult)
    .mutation(async ({ ctx, input }) => {
      const current = await getPolicy(ctx.tx, ctx.tenant.orgId, input.steeringPolicyId);
      const policy = patched(ZSteeringPolicyInput, current, input);
      return updatePolicy(ctx.tx, ctx.principal, ctx.tenant, input.steeringPolicyId, policy);
    }),

  delete: permissionProcedure(
    "policy.write",
    route("DELETE /orgs/{orgSlug}/steering-policies/{steeringPolicyId}"),
  )
    .input(orgInput({ steeringPolicyId: ZId }))
    .use(unchanged)
    .output(ZRevisionResult)
    .mutation(({ ctx, input }) =>
      deletePolicy(ctx.tx, ctx.principal, ctx.tenant, input.steeringPolicyId),
    ),
});

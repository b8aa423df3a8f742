import { z } from "zod";
import { zText } from "../../../../protocol/text";
import { orgInput, ZId, ZRole } from "../../../api/inputs";
import { permissionProcedure, rest, router } from "../../../api/trpc";
import { page, pageInput } from "../../../platform/pagination";
import { changeRole } from "../services/member/change-role";
import { listMembers } from "../services/member/list-members";
import { removeMember } from "../services/member/remove-member";

const ZMember = z.object({
  id: zText(),
  role: ZRole,
  userId: zText(),
  email: zText(),
  name: zText(),
  createdAt: z.date(),
});

export const memberRouter = router({
  /** The org's own members, oldest first by default. */
  list: permissionProcedure("member.read", rest("GET /orgs/{orgSlug}/members"))
    .input(
      orgInput({
        ...pageInput(["createdAt"]),
        /** Members whose email or name contains this (any case). */
        q: zText().max(254).optional(),
        role: ZRole.optional(),
      }),
    )
    .output(page(ZMember))
    .query(({ ctx, input }) => listMembers(ctx.tx, ctx.tenant.orgId, input)),

  changeRole: permissionProcedure(
    "member.update",
    rest("PATCH /orgs/{orgSlug}/members/{membershipId}"),
  )
    .input(orgInput({ membershipId: ZId, role: ZRole }))
    .output(z.object({ id: zText(), role: ZRole }))
    .mutation(({ ctx, input }) => changeRole(ctx.tx, ctx.principal, ctx.tenant, input)),

  remove: permissionProcedure(
    "member.remove",
    rest("DELETE /orgs/{orgSlug}/members/{membershipId}", 204),
  )
    .input(orgInput({ membershipId: ZId }))
    .output(z.void())
    .mutation(({ ctx, input }) => removeMember(ctx.tx, ctx.principal, ctx.tenant, input)),
});

import { z } from "zod";
import { zText } from "../../../../protocol/text";
import { orgInput, ZId, ZRole } from "../../../api/inputs";
import { permissionProcedure, router } from "../../../api/trpc";
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
  list: permissionProcedure("member.read")
    .input(orgInput({}))
    .output(z.array(ZMember))
    .query(({ ctx }) => listMembers(ctx.tx, ctx.tenant.orgId)),

  changeRole: permissionProcedure("member.update")
    .input(orgInput({ membershipId: ZId, role: ZRole }))
    .output(z.object({ id: zText(), role: ZRole }))
    .mutation(({ ctx, input }) => changeRole(ctx.tx, ctx.user, ctx.tenant, input)),

  remove: permissionProcedure("member.remove")
    .input(orgInput({ membershipId: ZId }))
    .output(z.void())
    .mutation(({ ctx, input }) => removeMember(ctx.tx, ctx.user, ctx.tenant, input)),
});

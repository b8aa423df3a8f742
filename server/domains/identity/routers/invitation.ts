import { z } from "zod";
import { zText } from "../../../../protocol/text";
import { orgInput, ZEmail, ZId, ZRole, ZToken } from "../../../api/inputs";
import {
  permissionProcedure,
  protectedProcedure,
  publicProcedure,
  router,
} from "../../../api/trpc";
import { AppError } from "../../../platform/errors";
import { clientIp } from "../../../platform/http/client-ip";
import { mayMail } from "../../../platform/mail/throttle";
import { createInvitation } from "../services/invitation/create-invitation";
import { listInvitations } from "../services/invitation/list-invitations";
import { acceptInvitation, getInvitation } from "../services/invitation/redeem-invitation";
import { revokeInvitation } from "../services/invitation/revoke-invitation";

const ZInvitation = z.object({
  id: zText(),
  email: zText(),
  role: ZRole,
  expiresAt: z.date(),
  createdAt: z.date(),
});

export const invitationRouter = router({
  list: permissionProcedure("member.read")
    .input(orgInput({}))
    .output(z.array(ZInvitation))
    .query(({ ctx }) => listInvitations(ctx.tx, ctx.tenant.orgId)),

  create: permissionProcedure("member.invite")
    .input(orgInput({ email: ZEmail, role: ZRole }))
    .output(ZInvitation)
    .mutation(async ({ ctx, input }) => {
      // Over the limit the inviter is told (an invitation never says whether the address
      // has an account), and nothing is created.
      // Counted per org: one org's invitations never use up another's.
      const kind = `invitation:${ctx.tenant.orgId}`;
      if (!(await mayMail(kind, input.email, clientIp(ctx.headers))))
        throw new AppError(
          "TOO_MANY_REQUESTS",
          "Too many invitations to this address or from your connection; try again in 15 minutes",
        );
      return createInvitation(ctx.tx, ctx.user, ctx.tenant, input);
    }),

  revoke: permissionProcedure("member.invite")
    .input(orgInput({ invitationId: ZId }))
    .output(z.void())
    .mutation(({ ctx, input }) => revokeInvitation(ctx.tx, ctx.user, ctx.tenant, input)),

  /** Public: the token is the credential. Shows whom it is for before signing in. */
  byToken: publicProcedure
    .meta({ access: "public" })
    .input(z.strictObject({ token: ZToken }))
    .output(
      z.object({
        email: zText(),
        role: ZRole,
        orgName: zText(),
        status: z.enum(["pending", "accepted", "revoked", "expired"]),
      }),
    )
    .query(({ ctx, input }) => getInvitation(ctx.db, input.token)),

  accept: protectedProcedure
    .input(z.strictObject({ token: ZToken }))
    .output(z.object({ orgSlug: zText() }))
    .mutation(({ ctx, input }) => acceptInvitation(ctx.db, ctx.user, input.token)),
});

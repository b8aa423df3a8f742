import { z } from "zod";
import { zText } from "../../../../protocol/text";
import { newestFirst, orgInput, ZId, ZRole, ZToken } from "../../../api/inputs";
import {
  permissionProcedure,
  personOf,
  protectedProcedure,
  publicProcedure,
  rest,
  router,
} from "../../../api/trpc";
import { AppError } from "../../../platform/errors";
import { clientIp } from "../../../platform/http/client-ip";
import { mayMail } from "../../../platform/mail/throttle";
import { page, pageInput } from "../../../platform/pagination";
import { ZNewInvitation } from "../auth/validation";
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
  /** Pending invitations, newest first by default. */
  list: permissionProcedure("member.read", rest("GET /orgs/{orgSlug}/invitations"))
    .input(
      orgInput({
        ...pageInput(["createdAt"]),
        ...newestFirst,
      }),
    )
    .output(page(ZInvitation))
    .query(({ ctx, input }) => listInvitations(ctx.tx, ctx.tenant.orgId, input)),

  /** A person invites a person: an API key is refused (403). */
  create: permissionProcedure("member.invite", {
    ...rest("POST /orgs/{orgSlug}/invitations", 201),
    description: "Only a signed-in person can invite: an API key gets 403.",
  })
    .input(orgInput(ZNewInvitation.shape))
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
      return createInvitation(ctx.tx, personOf(ctx.principal), ctx.tenant, input, ctx.host?.origin);
    }),

  revoke: permissionProcedure(
    "member.invite",
    rest("DELETE /orgs/{orgSlug}/invitations/{invitationId}", 204),
  )
    .input(orgInput({ invitationId: ZId }))
    .output(z.void())
    .mutation(({ ctx, input }) => revokeInvitation(ctx.tx, ctx.principal, ctx.tenant, input)),

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
    .mutation(({ ctx, input }) => acceptInvitation(ctx.db, ctx.principal, input.token)),
});

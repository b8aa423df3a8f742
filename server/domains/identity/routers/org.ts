import { z } from "zod";
import { zText } from "../../../../protocol/text";
import { orgInput, ZRole } from "../../../api/inputs";
import { permissionProcedure, protectedProcedure, router } from "../../../api/trpc";
import { createCustomerOrg } from "../services/org/create-customer-org";
import { createOrg } from "../services/org/create-org";
import { getOrg, listCustomerOrgs } from "../services/org/get-org";
import { listMyOrgs } from "../services/org/list-my-orgs";
import { ZOrgName, ZOrgSummary, ZSlug } from "../services/org/schemas";
import { updateOrg } from "../services/org/update-org";

const ZOrg = z.object({
  id: zText(),
  slug: zText(),
  name: zText(),
  kind: z.enum(["standard", "msp"]),
});

export const orgRouter = router({
  list: protectedProcedure
    .input(z.strictObject({}).optional())
    .output(z.array(ZOrgSummary))
    .query(({ ctx }) => listMyOrgs(ctx.db, ctx.user.id)),

  create: protectedProcedure
    .input(
      z.strictObject({
        name: ZOrgName,
        slug: ZSlug,
        kind: z.enum(["standard", "msp"]).default("standard"),
      }),
    )
    .output(ZOrg)
    .mutation(({ ctx, input }) => createOrg(ctx.db, ctx.user, input)),

  get: permissionProcedure("org.read")
    .input(orgInput({}))
    .output(
      ZOrg.extend({
        role: ZRole,
        permissions: z.array(zText()),
        viaOrgSlug: zText().nullable(),
        parentSlug: zText().nullable(),
      }),
    )
    .query(({ ctx }) => getOrg(ctx.tx, ctx.tenant)),

  update: permissionProcedure("org.update")
    .input(orgInput({ name: ZOrgName.optional(), slug: ZSlug.optional() }))
    .output(ZOrg)
    .mutation(({ ctx, input: { orgSlug: _, ...changes } }) =>
      updateOrg(ctx.tx, ctx.user, ctx.tenant, changes),
    ),

  customers: permissionProcedure("customer.read")
    .input(orgInput({}))
    .output(z.array(ZOrg.extend({ createdAt: z.date() })))
    .query(({ ctx }) => listCustomerOrgs(ctx.tx, ctx.tenant)),

  createCustomer: permissionProcedure("customer.create")
    .input(orgInput({ name: ZOrgName, slug: ZSlug }))
    .output(ZOrg)
    .mutation(({ ctx, input: { orgSlug: _, ...data } }) =>
      createCustomerOrg(ctx.tx, ctx.user, ctx.tenant, data),
    ),
});

import { z } from "zod";
import { zText } from "../../../../protocol/text";
import { orgInput, ZRole } from "../../../api/inputs";
import { permissionProcedure, personOf, protectedProcedure, rest, router } from "../../../api/trpc";
import { page, pageInput } from "../../../platform/pagination";
import { createCustomerOrg } from "../services/org/create-customer-org";
import { createOrg } from "../services/org/create-org";
import { getOrg, listCustomerOrgs } from "../services/org/get-org";
import { inHostTree, listMyOrgs } from "../services/org/list-my-orgs";
import { ZNewOrg, ZOrgName, ZOrgSummary, ZSlug } from "../services/org/schemas";
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
    .query(async ({ ctx }) => inHostTree(await listMyOrgs(ctx.db, ctx.user.id), ctx.host ?? null)),

  create: protectedProcedure
    .input(ZNewOrg)
    .output(ZOrg)
    .mutation(({ ctx, input }) => createOrg(ctx.db, ctx.principal, input)),

  get: permissionProcedure("org.read", rest("GET /orgs/{orgSlug}"))
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

  update: permissionProcedure("org.update", rest("PATCH /orgs/{orgSlug}"))
    .input(orgInput({ name: ZOrgName.optional(), slug: ZSlug.optional() }))
    .output(ZOrg)
    .mutation(({ ctx, input: { orgSlug: _, ...changes } }) =>
      updateOrg(ctx.tx, ctx.principal, ctx.tenant, changes),
    ),

  /** An MSP's customer orgs, by name by default. */
  customers: permissionProcedure("customer.read", rest("GET /orgs/{orgSlug}/customers"))
    .input(orgInput(pageInput(["name", "createdAt"])))
    .output(page(ZOrg.extend({ createdAt: z.date() })))
    .query(({ ctx, input }) => listCustomerOrgs(ctx.tx, ctx.tenant, input)),

  createCustomer: permissionProcedure("customer.create")
    .input(orgInput({ name: ZOrgName, slug: ZSlug }))
    .output(ZOrg)
    .mutation(({ ctx, input: { orgSlug: _, ...data } }) =>
      createCustomerOrg(ctx.tx, personOf(ctx.principal), ctx.tenant, data),
    ),
});

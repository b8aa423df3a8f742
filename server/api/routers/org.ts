import { z } from "zod";
import { createCustomerOrg } from "../../services/org/create-customer-org";
import { createOrg } from "../../services/org/create-org";
import { listMyOrgs } from "../../services/org/list-my-orgs";
import { ZOrgName, ZOrgSummary, ZSlug } from "../../services/org/schemas";
import { updateOrg } from "../../services/org/update-org";
import { permissionsOf } from "../../tenancy/permissions";
import { orgInput, ZRole } from "../inputs";
import { permissionProcedure, protectedProcedure, router } from "../trpc";

const ZOrg = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
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
        permissions: z.array(z.string()),
        viaOrgSlug: z.string().nullable(),
        parentSlug: z.string().nullable(),
      }),
    )
    .query(async ({ ctx }) => {
      const org = await ctx.tx.organization.findUniqueOrThrow({
        where: { id: ctx.tenant.orgId },
        include: { parent: { select: { slug: true } } },
      });
      const via = ctx.tenant.viaOrgId
        ? await ctx.tx.organization.findUnique({ where: { id: ctx.tenant.viaOrgId } })
        : null;
      return {
        id: org.id,
        slug: org.slug,
        name: org.name,
        kind: org.kind,
        role: ctx.tenant.role,
        permissions: permissionsOf(ctx.tenant.role),
        viaOrgSlug: via?.slug ?? null,
        parentSlug: org.parent?.slug ?? null,
      };
    }),

  update: permissionProcedure("org.update")
    .input(orgInput({ name: ZOrgName.optional(), slug: ZSlug.optional() }))
    .output(ZOrg)
    .mutation(({ ctx, input: { orgSlug: _, ...changes } }) =>
      updateOrg(ctx.tx, ctx.user, ctx.tenant, changes),
    ),

  customers: permissionProcedure("customer.read")
    .input(orgInput({}))
    .output(z.array(ZOrg.extend({ createdAt: z.date() })))
    .query(({ ctx }) =>
      ctx.tx.organization.findMany({
        where: { parentId: ctx.tenant.orgId },
        select: { id: true, slug: true, name: true, kind: true, createdAt: true },
        orderBy: { name: "asc" },
      }),
    ),

  createCustomer: permissionProcedure("customer.create")
    .input(orgInput({ name: ZOrgName, slug: ZSlug }))
    .output(ZOrg)
    .mutation(({ ctx, input: { orgSlug: _, ...data } }) =>
      createCustomerOrg(ctx.tx, ctx.user, ctx.tenant, data),
    ),
});

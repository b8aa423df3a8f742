import { z } from "zod";
import { zText } from "../../../protocol/text";
import { orgInput } from "../../api/inputs";
import { replicaProcedure, rest, router } from "../../api/trpc";
import {
  ZBillingModeFilter,
  ZCustomerHealth,
  ZCustomersOverview,
  ZOverview,
  ZOverviewWindow,
} from "./schemas";
import { customersOverview } from "./services/customers-overview";
import { getOverview } from "./services/get-overview";

export const overviewRouters = {
  overview: router({
    /** Every tile of the org's overview; plan and recent changes only for roles that may see them. */
    get: replicaProcedure("overview.read", rest("GET /orgs/{orgSlug}/overview"))
      .input(orgInput({ window: ZOverviewWindow.default("1h") }))
      .output(ZOverview)
      .query(({ ctx, input }) =>
        getOverview(ctx.tx, ctx.tenant, input.window, {
          billing: ctx.scopes.has("billing.read"),
          audit: ctx.scopes.has("audit.read"),
        }),
      ),
  }),
  customers: router({
    /** An MSP's customer orgs with health, incidents, sites, devices, usage, billing mode. */
    overview: replicaProcedure("overview.read", rest("GET /orgs/{orgSlug}/customers/overview"))
      .input(
        orgInput({
          q: zText().max(100).optional(),
          health: ZCustomerHealth.optional(),
          billingMode: ZBillingModeFilter.optional(),
          sort: z.enum(["name", "health", "incidents", "sites", "usage"]).default("name"),
          order: z.enum(["asc", "desc"]).default("asc"),
        }),
      )
      .output(ZCustomersOverview)
      .query(({ ctx, input: { orgSlug: _, ...query } }) =>
        customersOverview(ctx.tx, ctx.tenant, query),
      ),
  }),
};

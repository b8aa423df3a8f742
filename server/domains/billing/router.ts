import { z } from "zod";
import { zText } from "../../../protocol/text";
import { newestFirst, orgInput, ZId } from "../../api/inputs";
import { permissionProcedure, personOf, rest, router } from "../../api/trpc";
import { page, pageInput } from "../../platform/pagination";
import { billingStatus } from "./services/portal/billing-status";
import { billingSummary } from "./services/portal/billing-summary";
import { dailyUsage } from "./services/portal/daily-usage";
import { listCustomerBilling } from "./services/portal/list-customer-billing";
import { listInvoices } from "./services/portal/list-invoices";
import { openPortal } from "./services/portal/open-portal";
import { refreshBilling } from "./services/portal/refresh-billing";
import {
  ZBillingMode,
  ZBillingStatus,
  ZBillingSummary,
  ZCustomerBilling,
  ZInvoice,
  ZUrl,
  ZUsageDay,
} from "./services/portal/schemas";
import { setBillingMode } from "./services/portal/set-billing-mode";
import { startCheckout } from "./services/portal/start-checkout";

/** Checkout, portal and refresh call Stripe (with its retries) inside their transaction. */
const STRIPE_TX_TIMEOUT_MS = 45_000;

export const billingRouter = router({
  /** The read-only banner's question, which every member may ask. */
  status: permissionProcedure("org.read", rest("GET /orgs/{orgSlug}/billing/status"))
    .input(orgInput({}))
    .output(ZBillingStatus)
    .query(({ ctx }) => billingStatus(ctx.tx, ctx.tenant.orgId)),

  /** Plan, subscription, limits and what is used of them, data transfer this period. */
  summary: permissionProcedure("billing.read", rest("GET /orgs/{orgSlug}/billing"))
    .input(orgInput({}))
    .output(ZBillingSummary)
    .query(({ ctx }) => billingSummary(ctx.tx, ctx.tenant)),

  /** Data transfer per day, oldest first: a series of `days` points, not a paged list. */
  usage: permissionProcedure("billing.read", rest("GET /orgs/{orgSlug}/usage"))
    .input(orgInput({ days: z.number().int().min(1).max(90).default(30) }))
    .output(z.array(ZUsageDay))
    .query(({ ctx, input }) => dailyUsage(ctx.tx, ctx.tenant.orgId, input.days)),

  /** Newest first by default. */
  invoices: permissionProcedure("billing.read", rest("GET /orgs/{orgSlug}/invoices"))
    .input(orgInput({ ...pageInput(["createdAt"]), ...newestFirst }))
    .output(page(ZInvoice))
    .query(({ ctx, input }) => listInvoices(ctx.tx, ctx.tenant.orgId, input)),

  customers: permissionProcedure("billing.read")
    .input(orgInput({}))
    .output(ZCustomerBilling)
    .query(({ ctx }) => listCustomerBilling(ctx.tx, ctx.tenant)),

  checkout: permissionProcedure("billing.manage")
    .meta({ access: "billing.manage", transactionTimeoutMs: STRIPE_TX_TIMEOUT_MS })
    .input(orgInput({ plan: z.literal("standard").default("standard") }))
    .output(ZUrl)
    .mutation(({ ctx, input }) =>
      startCheckout(ctx.tx, personOf(ctx.principal), ctx.tenant, { plan: input.plan }),
    ),

  portal: permissionProcedure("billing.manage")
    .meta({ access: "billing.manage", transactionTimeoutMs: STRIPE_TX_TIMEOUT_MS })
    .input(orgInput({}))
    .output(ZUrl)
    .mutation(({ ctx }) => openPortal(ctx.tx, ctx.principal, ctx.tenant)),

  refresh: permissionProcedure("billing.manage")
    .meta({ access: "billing.manage", transactionTimeoutMs: STRIPE_TX_TIMEOUT_MS })
    .input(orgInput({}))
    .output(ZBillingSummary)
    .mutation(({ ctx }) => refreshBilling(ctx.db, ctx.tx, ctx.tenant)),

  setMode: permissionProcedure("billing.manage")
    .input(orgInput({ customerOrgId: ZId, mode: ZBillingMode }))
    .output(z.object({ customerOrgId: zText(), mode: ZBillingMode }))
    .mutation(({ ctx, input }) =>
      setBillingMode(ctx.tx, ctx.principal, ctx.tenant, {
        customerOrgId: input.customerOrgId,
        mode: input.mode,
      }),
    ),
});

/** This domain's routers, keyed by their place in the API (server/api/root.ts). */
export const billingRouters = { billing: billingRouter };

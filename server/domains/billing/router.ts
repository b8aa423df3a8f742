import { z } from "zod";
import { zText } from "../../../protocol/text";
import { orgInput, ZId } from "../../api/inputs";
import { permissionProcedure, router } from "../../api/trpc";
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
  status: permissionProcedure("org.read")
    .input(orgInput({}))
    .output(ZBillingStatus)
    .query(({ ctx }) => billingStatus(ctx.tx, ctx.tenant.orgId)),

  summary: permissionProcedure("billing.read")
    .input(orgInput({}))
    .output(ZBillingSummary)
    .query(({ ctx }) => billingSummary(ctx.tx, ctx.tenant)),

  usage: permissionProcedure("billing.read")
    .input(orgInput({ days: z.number().int().min(1).max(90).default(30) }))
    .output(z.array(ZUsageDay))
    .query(({ ctx, input }) => dailyUsage(ctx.tx, ctx.tenant.orgId, input.days)),

  invoices: permissionProcedure("billing.read")
    .input(orgInput({}))
    .output(z.array(ZInvoice))
    .query(({ ctx }) => listInvoices(ctx.tx, ctx.tenant.orgId)),

  customers: permissionProcedure("billing.read")
    .input(orgInput({}))
    .output(ZCustomerBilling)
    .query(({ ctx }) => listCustomerBilling(ctx.tx, ctx.tenant)),

  checkout: permissionProcedure("billing.manage")
    .meta({ access: "billing.manage", transactionTimeoutMs: STRIPE_TX_TIMEOUT_MS })
    .input(orgInput({ plan: z.literal("standard").default("standard") }))
    .output(ZUrl)
    .mutation(({ ctx, input }) =>
      startCheckout(ctx.tx, ctx.user, ctx.tenant, { plan: input.plan }),
    ),

  portal: permissionProcedure("billing.manage")
    .meta({ access: "billing.manage", transactionTimeoutMs: STRIPE_TX_TIMEOUT_MS })
    .input(orgInput({}))
    .output(ZUrl)
    .mutation(({ ctx }) => openPortal(ctx.tx, ctx.user, ctx.tenant)),

  refresh: permissionProcedure("billing.manage")
    .meta({ access: "billing.manage", transactionTimeoutMs: STRIPE_TX_TIMEOUT_MS })
    .input(orgInput({}))
    .output(ZBillingSummary)
    .mutation(({ ctx }) => refreshBilling(ctx.db, ctx.tx, ctx.tenant)),

  setMode: permissionProcedure("billing.manage")
    .input(orgInput({ customerOrgId: ZId, mode: ZBillingMode }))
    .output(z.object({ customerOrgId: zText(), mode: ZBillingMode }))
    .mutation(({ ctx, input }) =>
      setBillingMode(ctx.tx, ctx.user, ctx.tenant, {
        customerOrgId: input.customerOrgId,
        mode: input.mode,
      }),
    ),
});

/** This domain's routers, keyed by their place in the API (server/api/root.ts). */
export const billingRouters = { billing: billingRouter };

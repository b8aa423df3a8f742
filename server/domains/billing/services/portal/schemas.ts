// Output shapes of the billing router: what the portal may learn, and nothing more.
import { z } from "zod";
import { LIMITED, ZLimits, ZPlanKey } from "../plans";

export const ZBillingMode = z.enum(["direct", "consolidated"]);

export const ZBillingStatus = z.object({
  enabled: z.boolean(),
  readOnly: z.boolean(),
  graceEndsAt: z.date().nullable(),
});

export const ZUrl = z.object({ url: z.string() });

const ZPlanCard = z.object({
  key: ZPlanKey,
  name: z.string(),
  blurb: z.string(),
  limits: ZLimits,
  pricePerSiteCents: z.number().nullable(),
  overagePerGbCents: z.number().nullable(),
  trialDays: z.number(),
  purchase: z.enum(["none", "checkout", "sales"]),
});

export const ZBillingSummary = z.object({
  enabled: z.boolean(),
  plan: z.object({ key: ZPlanKey, name: z.string() }),
  override: z.boolean(),
  subscriptionStatus: z.string().nullable(),
  trialEndsAt: z.date().nullable(),
  periodStart: z.date().nullable(),
  periodEnd: z.date().nullable(),
  cancelAtPeriodEnd: z.boolean(),
  graceEndsAt: z.date().nullable(),
  readOnly: z.boolean(),
  mode: ZBillingMode,
  payerName: z.string().nullable(),
  isMsp: z.boolean(),
  canCheckout: z.boolean(),
  canManage: z.boolean(),
  trialEligible: z.boolean(),
  limits: z.array(
    z.object({ resource: z.enum(LIMITED), used: z.number(), max: z.number().nullable() }),
  ),
  dataTransfer: z.object({
    since: z.date(),
    usedBytes: z.number(),
    includedBytes: z.number().nullable(),
  }),
  plans: z.array(ZPlanCard),
});

export const ZUsageDay = z.object({ day: z.string(), bytes: z.number() });

export const ZInvoice = z.object({
  id: z.string(),
  number: z.string().nullable(),
  status: z.string(),
  currency: z.string(),
  amountDue: z.number(),
  amountPaid: z.number(),
  hostedInvoiceUrl: z.string().nullable(),
  invoicePdf: z.string().nullable(),
  periodStart: z.date().nullable(),
  periodEnd: z.date().nullable(),
  createdAt: z.date(),
});

export const ZCustomerBilling = z.object({
  canConsolidate: z.boolean(),
  customers: z.array(
    z.object({
      id: z.string(),
      slug: z.string(),
      name: z.string(),
      mode: ZBillingMode,
      sites: z.number(),
    }),
  ),
});

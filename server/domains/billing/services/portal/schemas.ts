// Output shapes of the billing router: what the portal may learn, and nothing more.
import { z } from "zod";
import { zText } from "../../../../../protocol/text";
import { LIMITED, ZLimits, ZPlanKey } from "../plans";

export const ZBillingMode = z.enum(["direct", "consolidated"]);

export const ZBillingStatus = z.object({
  enabled: z.boolean(),
  readOnly: z.boolean(),
  graceEndsAt: z.date().nullable(),
});

export const ZUrl = z.object({ url: zText() });

const ZPlanCard = z.object({
  key: ZPlanKey,
  name: zText(),
  blurb: zText(),
  limits: ZLimits,
  pricePerSiteCents: z.number().nullable(),
  overagePerGbCents: z.number().nullable(),
  trialDays: z.number(),
  purchase: z.enum(["none", "checkout", "sales"]),
});

export const ZBillingSummary = z.object({
  enabled: z.boolean(),
  plan: z.object({ key: ZPlanKey, name: zText() }),
  override: z.boolean(),
  subscriptionStatus: zText().nullable(),
  trialEndsAt: z.date().nullable(),
  periodStart: z.date().nullable(),
  periodEnd: z.date().nullable(),
  cancelAtPeriodEnd: z.boolean(),
  graceEndsAt: z.date().nullable(),
  readOnly: z.boolean(),
  mode: ZBillingMode,
  /** An MSP's bill beyond its own org: its consolidated customers (null without any). */
  billed: z
    .object({
      customers: z.number(),
      customerSites: z.number(),
      customerUsageBytes: z.number(),
      /** What the per-site subscription quantity counts: own sites + customers'. */
      sites: z.number(),
    })
    .nullable(),
  payerName: zText().nullable(),
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

export const ZUsageDay = z.object({ day: zText(), bytes: z.number() });

export const ZInvoice = z.object({
  id: zText(),
  number: zText().nullable(),
  status: zText(),
  currency: zText(),
  amountDue: z.number(),
  amountPaid: z.number(),
  hostedInvoiceUrl: zText().nullable(),
  invoicePdf: zText().nullable(),
  periodStart: z.date().nullable(),
  periodEnd: z.date().nullable(),
  createdAt: z.date(),
});

export const ZCustomerBilling = z.object({
  canConsolidate: z.boolean(),
  customers: z.array(
    z.object({
      id: zText(),
      slug: zText(),
      name: zText(),
      mode: ZBillingMode,
      sites: z.number(),
      /** This period's data transfer, as the customer's own billing page shows it. */
      usageBytes: z.number(),
    }),
  ),
});

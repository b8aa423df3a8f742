import type { z } from "zod";
import type {
  ZBillingSummary,
  ZCustomerBilling,
  ZInvoice,
} from "@/server/domains/billing/services/portal/schemas";

export type BillingSummary = z.infer<typeof ZBillingSummary>;
export type Invoice = z.infer<typeof ZInvoice>;
export type CustomerBilling = z.infer<typeof ZCustomerBilling>["customers"][number];

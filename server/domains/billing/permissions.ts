import { definePermissions } from "../../platform/tenancy/permissions";

/** The org's plan, invoices and payment. */
export const billingPermissions = definePermissions({
  "billing.read": ["owner", "billing"],
  "billing.manage": ["owner", "billing"],
});

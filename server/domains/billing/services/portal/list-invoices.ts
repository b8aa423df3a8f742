import type { Tx } from "../../../../platform/db/client";
import { keysetArgs, type PageQuery, pageOf } from "../../../../platform/pagination";
import { billingState } from "../account";

/**
 * One page of the org's invoices as last mirrored from Stripe. A consolidated customer has
 * none of its own: its MSP's invoices cover other customers too and are not its to see.
 */
export async function listInvoices(tx: Tx, orgId: string, query: PageQuery) {
  const state = await billingState(tx, orgId);
  if (state.mode === "consolidated" && state.payerOrgId !== orgId) return { items: [], next: null };
  const { where: past, ...args } = keysetArgs(query);
  const rows = await tx.billingInvoice.findMany({ where: { orgId, ...past }, ...args });
  return pageOf(rows, query, (r) => ({
    id: r.id,
    number: r.number,
    status: r.status,
    currency: r.currency,
    amountDue: r.amountDue,
    amountPaid: r.amountPaid,
    hostedInvoiceUrl: r.hostedInvoiceUrl,
    invoicePdf: r.invoicePdf,
    periodStart: r.periodStart,
    periodEnd: r.periodEnd,
    createdAt: r.createdAt,
  }));
}

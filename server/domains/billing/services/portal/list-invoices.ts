import type { Tx } from "../../../../platform/db/client";
import { billingState } from "../account";

/**
 * The org's invoices as last mirrored from Stripe (newest first). A consolidated customer
 * has none of its own: its MSP's invoices cover other customers too and are not its to see.
 */
export async function listInvoices(tx: Tx, orgId: string, limit = 24) {
  const state = await billingState(tx, orgId);
  if (state.mode === "consolidated" && state.payerOrgId !== orgId) return [];
  const rows = await tx.billingInvoice.findMany({
    where: { orgId },
    orderBy: { createdAt: "desc" },
    take: limit,
  });
  return rows.map((r) => ({
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

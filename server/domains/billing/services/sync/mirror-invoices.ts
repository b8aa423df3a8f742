// Mirrors the customer's latest invoices into billing_invoices. failedAt and paidAt are set
// the first time a re-sync sees the invoice failed or paid, and the effects of those
// transitions (audit, payment-failed mail) happen exactly then, so exactly once.
import type Stripe from "stripe";
import type { Tx } from "../../../../platform/db/client";
import { invoiceFailed } from "./derive-state";
import { billingAudit, mailOwners, money } from "./effects";

const date = (seconds: number | null | undefined) => (seconds ? new Date(seconds * 1000) : null);

export async function mirrorInvoices(tx: Tx, orgId: string, invoices: Stripe.Invoice[], now: Date) {
  const ids = invoices.map((i) => i.id).filter((id): id is string => !!id);
  const stored = await tx.billingInvoice.findMany({ where: { orgId, id: { in: ids } } });
  const byId = new Map(stored.map((row) => [row.id, row]));
  for (const invoice of invoices) {
    if (!invoice.id) continue;
    const before = byId.get(invoice.id);
    const failedAt = before?.failedAt ?? (invoiceFailed(invoice) ? now : null);
    const paidAt =
      invoice.status === "paid"
        ? (before?.paidAt ?? date(invoice.status_transitions?.paid_at) ?? now)
        : null;
    const data = {
      number: invoice.number ?? null,
      status: invoice.status ?? "draft",
      currency: invoice.currency,
      amountDue: invoice.amount_due,
      amountPaid: invoice.amount_paid,
      hostedInvoiceUrl: invoice.hosted_invoice_url ?? null,
      invoicePdf: invoice.invoice_pdf ?? null,
      periodStart: date(invoice.period_start),
      periodEnd: date(invoice.period_end),
      failedAt,
      paidAt,
    };
    if (before && unchanged(before, data)) continue;
    await tx.billingInvoice.upsert({
      where: { id: invoice.id, orgId },
      create: { id: invoice.id, orgId, createdAt: new Date(invoice.created * 1000), ...data },
      update: { ...data, syncedAt: now },
    });
    const summary = { number: data.number, amountDue: data.amountDue, currency: data.currency };
    if (failedAt && !before?.failedAt) {
      await billingAudit(tx, orgId, "billing.payment_failed", {
        targetId: invoice.id,
        after: summary,
      });
      const amount = money(data.amountDue, data.currency);
      await mailOwners(tx, orgId, "billing-payment-failed", (org) => ({
        alertTitle: `Payment failed for ${org.name}`,
        alertText: `We could not collect ${amount} for ${org.name}.\n\nYour sites keep running. If the invoice stays unpaid past the grace period, the organization becomes read-only (no new sites or configuration changes) until it is paid.\n\nUpdate the payment method or pay the open invoice here:`,
        url: data.hostedInvoiceUrl ?? org.billingUrl,
      }));
    }
    if (paidAt && !before?.paidAt) {
      await billingAudit(tx, orgId, "billing.invoice_paid", {
        targetId: invoice.id,
        after: { ...summary, amountPaid: data.amountPaid },
      });
    }
  }
}

function unchanged(row: Record<string, unknown>, data: Record<string, unknown>) {
  return Object.entries(data).every(([key, value]) => {
    const old = row[key];
    if (old instanceof Date || value instanceof Date)
      return (old as Date | null)?.getTime() === (value as Date | null)?.getTime();
    return old === value;
  });
}

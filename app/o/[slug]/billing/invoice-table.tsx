"use client";

import { useQuery } from "@tanstack/react-query";
import { DataTable } from "@/app/_components/data-table";
import { Badge, NumTd, Td, type Tone } from "@/app/_components/status-ui";
import { Alert, Card } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { PAGE_MAX } from "@/server/api/shared";
import { formatDate, formatMoney } from "./format";

const TONE: Record<string, Tone> = { paid: "green", open: "amber", uncollectible: "red" };

const linkClass = "text-brand-700 underline";

/** The org's invoices as mirrored from Stripe, with Stripe's hosted page and PDF. */
export function InvoiceTable({ orgSlug }: { orgSlug: string }) {
  const trpc = useTRPC();
  const invoices = useQuery(trpc.billing.invoices.queryOptions({ orgSlug, limit: PAGE_MAX }));
  return (
    <Card>
      <h2 className="mb-3 font-semibold">Invoices</h2>
      {invoices.error && <Alert>{invoices.error.message}</Alert>}
      {invoices.isPending && <p className="text-sm text-slate-600">Loading…</p>}
      {invoices.data && (
        <DataTable
          label="Invoices"
          columns={[
            "Number",
            "Date",
            { label: "Amount", className: "text-right" },
            "Status",
            "Documents",
          ]}
          rows={invoices.data.items}
          empty="No invoices yet."
          emptyTestId="invoices-empty"
          rowData={(i) => ({ "data-testid": "invoice-row", "data-status": i.status })}
          cells={(i) => (
            <>
              <Td className="font-mono text-xs">{i.number ?? i.id}</Td>
              <Td>{formatDate(i.createdAt)}</Td>
              <NumTd>
                {formatMoney(i.status === "paid" ? i.amountPaid : i.amountDue, i.currency)}
              </NumTd>
              <Td>
                <Badge tone={TONE[i.status] ?? "slate"}>{i.status}</Badge>
              </Td>
              <Td className="whitespace-nowrap">
                {i.hostedInvoiceUrl && (
                  <a
                    href={i.hostedInvoiceUrl}
                    className={linkClass}
                    target="_blank"
                    rel="noreferrer"
                  >
                    View<span className="sr-only"> invoice {i.number ?? i.id}</span>
                  </a>
                )}
                {i.invoicePdf && (
                  <a
                    href={i.invoicePdf}
                    className={`ml-3 ${linkClass}`}
                    target="_blank"
                    rel="noreferrer"
                  >
                    PDF<span className="sr-only"> of invoice {i.number ?? i.id}</span>
                  </a>
                )}
              </Td>
            </>
          )}
        />
      )}
    </Card>
  );
}

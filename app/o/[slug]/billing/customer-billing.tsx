"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { DataTable } from "@/app/_components/data-table";
import { Link } from "@/app/_components/link";
import { NumTd, Td } from "@/app/_components/status-ui";
import { Alert, Card } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { formatBytes } from "./format";
import type { CustomerBilling } from "./types";

const selectClass = "rounded-md border border-slate-300 bg-white px-2 py-1 text-sm";

/**
 * An MSP's customers and how each is billed: on its own subscription, or on the MSP's
 * (consolidated: the MSP pays, its plan applies). Consolidating needs the MSP on a paid plan.
 */
export function CustomerBillingTable({
  orgSlug,
  canManage,
}: {
  orgSlug: string;
  canManage: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.billing.customers.queryOptions({ orgSlug }));
  const setMode = useMutation(
    trpc.billing.setMode.mutationOptions({
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.billing.pathKey() }),
    }),
  );
  const canConsolidate = list.data?.canConsolidate ?? false;
  const modeCell = (c: CustomerBilling) => {
    if (!canManage) return c.mode === "consolidated" ? "Through this MSP" : "Own subscription";
    const id = `billing-mode-${c.id}`;
    return (
      <>
        <label htmlFor={id} className="sr-only">
          Billing of {c.name}
        </label>
        <select
          id={id}
          className={selectClass}
          value={c.mode}
          disabled={setMode.isPending}
          onChange={(e) =>
            setMode.mutate({
              orgSlug,
              customerOrgId: c.id,
              mode: e.target.value as CustomerBilling["mode"],
            })
          }
        >
          <option value="direct">Own subscription</option>
          <option value="consolidated" disabled={!canConsolidate && c.mode !== "consolidated"}>
            Through this MSP
          </option>
        </select>
      </>
    );
  };
  return (
    <Card>
      <h2 className="mb-1 font-semibold">Customers</h2>
      <p className="mb-3 text-sm text-slate-600">
        {canConsolidate
          ? "Customers billed through this MSP use its plan; their sites count toward its subscription."
          : "Billing customers through this MSP needs a paid plan (Standard or Enterprise)."}
      </p>
      {list.error && <Alert>{list.error.message}</Alert>}
      {setMode.error && <Alert>{setMode.error.message}</Alert>}
      {list.data && (
        <DataTable
          label="Customer billing"
          columns={[
            "Customer",
            { label: "Sites", className: "text-right" },
            { label: "Data this period", className: "text-right" },
            "Billing",
          ]}
          rows={list.data.customers}
          empty="No customer organizations yet."
          rowData={(c) => ({ "data-testid": "customer-billing-row", "data-mode": c.mode })}
          cells={(c) => (
            <>
              <Td>
                <Link
                  href={`/o/${c.slug}/billing`}
                  className="font-medium text-brand-700 underline"
                >
                  {c.name}
                </Link>
              </Td>
              <NumTd>{c.sites}</NumTd>
              <NumTd>{formatBytes(c.usageBytes)}</NumTd>
              <Td>{modeCell(c)}</Td>
            </>
          )}
        />
      )}
    </Card>
  );
}

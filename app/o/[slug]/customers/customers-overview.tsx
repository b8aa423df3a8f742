"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { DataTable } from "@/app/_components/data-table";
import { Link } from "@/app/_components/link";
import { Badge, NumTd, Td } from "@/app/_components/status-ui";
import { Alert, Card } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { OVERVIEW_REFRESH_MS } from "../_overview/overview-live";
import type { CustomerRow } from "../_overview/types";
import { formatBytes } from "../billing/format";

type Health = CustomerRow["health"];
type Sort = "name" | "health" | "incidents" | "sites" | "usage";

const HEALTH_TONE = {
  up: "green",
  degraded: "amber",
  down: "red",
  pending: "slate",
  empty: "slate",
} as const;
const HEALTH_LABEL: Record<Health, string> = {
  up: "Up",
  degraded: "Degraded",
  down: "Down",
  pending: "Not enrolled",
  empty: "No sites",
};
const SORTS: [Sort, string][] = [
  ["name", "Name"],
  ["health", "Health (worst first)"],
  ["incidents", "Open incidents"],
  ["sites", "Sites"],
  ["usage", "Usage this period"],
];
const selectClass = "rounded-md border border-slate-300 bg-white px-2 py-1 text-sm";

/** Every customer of the MSP: health, incidents, sites, devices, usage, billing; live. */
export function CustomersOverview({ orgSlug }: { orgSlug: string }) {
  const trpc = useTRPC();
  const [q, setQ] = useState("");
  const [health, setHealth] = useState<Health | "">("");
  const [billingMode, setBillingMode] = useState<"" | "direct" | "consolidated">("");
  const [sort, setSort] = useState<Sort>("name");
  const list = useQuery(
    trpc.customers.overview.queryOptions(
      {
        orgSlug,
        ...(q.trim() ? { q: q.trim() } : {}),
        ...(health ? { health } : {}),
        ...(billingMode ? { billingMode } : {}),
        sort,
        order: sort === "name" ? "asc" : "desc",
      },
      { refetchInterval: OVERVIEW_REFRESH_MS, placeholderData: (prev) => prev },
    ),
  );
  return (
    <Card>
      <h2 className="mb-3 font-semibold">Health and usage</h2>
      <div className="mb-3 flex flex-wrap items-end gap-3 text-sm">
        <label className="flex flex-col gap-1">
          Search
          <input
            type="search"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            placeholder="Customer name"
            className={selectClass}
            data-testid="customers-search"
          />
        </label>
        <label className="flex flex-col gap-1">
          Health
          <select
            className={selectClass}
            value={health}
            onChange={(e) => setHealth(e.target.value as Health | "")}
          >
            <option value="">Any</option>
            {(Object.keys(HEALTH_LABEL) as Health[]).map((h) => (
              <option key={h} value={h}>
                {HEALTH_LABEL[h]}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1">
          Billing
          <select
            className={selectClass}
            value={billingMode}
            onChange={(e) => setBillingMode(e.target.value as typeof billingMode)}
          >
            <option value="">Any</option>
            <option value="consolidated">Through this MSP</option>
            <option value="direct">Own subscription</option>
          </select>
        </label>
        <label className="flex flex-col gap-1">
          Sort by
          <select
            className={selectClass}
            value={sort}
            onChange={(e) => setSort(e.target.value as Sort)}
          >
            {SORTS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {list.error && <Alert>{list.error.message}</Alert>}
      {list.data && (
        <DataTable
          label="Customers"
          columns={[
            "Customer",
            "Health",
            { label: "Open incidents", className: "text-right" },
            { label: "Sites up", className: "text-right" },
            { label: "Devices", className: "text-right" },
            { label: "Usage this period", className: "text-right" },
            "Billing",
          ]}
          rows={list.data.customers}
          empty={list.data.total === 0 ? "No customer organizations yet." : "No customer matches."}
          rowData={(c) => ({ "data-testid": "customer-overview-row", "data-health": c.health })}
          cells={(c) => (
            <>
              <Td>
                <Link href={`/o/${c.slug}`} className="font-medium text-brand-700 underline">
                  {c.name}
                </Link>
              </Td>
              <Td>
                <Badge tone={HEALTH_TONE[c.health]}>{HEALTH_LABEL[c.health]}</Badge>
              </Td>
              <NumTd>{c.incidents}</NumTd>
              <NumTd>
                {c.sites.up} / {c.sites.total}
              </NumTd>
              <NumTd>{c.devices}</NumTd>
              <NumTd>{formatBytes(c.usageBytes)}</NumTd>
              <Td>{c.billingMode === "consolidated" ? "Through this MSP" : "Own subscription"}</Td>
            </>
          )}
        />
      )}
    </Card>
  );
}

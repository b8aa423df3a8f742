import { Card } from "@/app/_components/ui";
import { UsageBar } from "@/app/_components/usage-bar";
import { formatBytes, formatDate, RESOURCE_LABEL } from "./format";
import type { BillingSummary } from "./types";

/** What the org has against what its plan allows, and this period's data transfer. */
export function UsageLimits({ summary: s }: { summary: BillingSummary }) {
  const { usedBytes, includedBytes, since } = s.dataTransfer;
  return (
    <Card>
      <h2 className="mb-3 font-semibold">Usage</h2>
      <div className="grid gap-4 sm:grid-cols-2">
        {s.limits.map((l) => (
          <UsageBar
            key={l.resource}
            label={RESOURCE_LABEL[l.resource]}
            used={l.used}
            max={l.max}
            testId={`limit-${l.resource}`}
          />
        ))}
      </div>
      {s.billed && (
        <p className="mt-4 text-sm text-slate-700" data-testid="billed-sites">
          Billed sites: <strong>{s.billed.sites}</strong> (this organization{" "}
          {s.billed.sites - s.billed.customerSites}, {s.billed.customers} consolidated{" "}
          {s.billed.customers === 1 ? "customer" : "customers"} {s.billed.customerSites}). The
          limits above count this organization alone.
        </p>
      )}
      <div className="mt-4">
        <UsageBar
          label={`Data transfer since ${formatDate(since)}`}
          used={usedBytes}
          max={includedBytes}
          valueText={
            includedBytes === null
              ? formatBytes(usedBytes)
              : `${formatBytes(usedBytes)} of ${formatBytes(includedBytes)} included`
          }
          testId="limit-data"
        />
        {s.mode === "consolidated" && (
          <p className="mt-2 text-xs text-slate-600">
            The included data transfer is shared by everyone {s.payerName ?? "your MSP"} bills.
          </p>
        )}
      </div>
    </Card>
  );
}

"use client";

import type { ReactNode } from "react";
import { timeAgo } from "@/app/_components/time";
import { UsageBar } from "@/app/_components/usage-bar";
import { useNow } from "@/app/_components/use-now";
import { formatBytes } from "../billing/format";
import { Tile } from "./tile";
import type { Overview } from "./types";
import { useMounted } from "./use-mounted";

/** Plan usage and recent changes (each only for roles that may see it), and the MSP's customers. */
export function OrgTiles({
  orgSlug,
  data,
  isMsp,
  children,
}: {
  orgSlug: string;
  data: Overview;
  isMsp: boolean;
  /** Tiles to show first in the grid (those the overview reads apart from `data`). */
  children?: ReactNode;
}) {
  const now = useNow(10_000);
  const mounted = useMounted();
  const { plan, recentChanges } = data;
  return (
    <div className="grid gap-4 lg:grid-cols-3">
      {children}
      {plan && (
        <Tile title={`Plan: ${plan.plan.name}`} href={`/o/${orgSlug}/billing`} testId="tile-plan">
          <div className="space-y-3">
            <UsageBar
              label="Sites"
              used={plan.sites.used}
              max={plan.sites.max}
              testId="plan-sites"
            />
            <UsageBar
              label="Devices"
              used={plan.devices.used}
              max={plan.devices.max}
              testId="plan-devices"
            />
            <UsageBar
              label="Data transfer this period"
              used={plan.data.usedBytes}
              max={plan.data.includedBytes}
              valueText={formatBytes(plan.data.usedBytes)}
              testId="plan-data"
            />
          </div>
        </Tile>
      )}
      {recentChanges && (
        <div className="lg:col-span-2">
          <Tile title="Recent changes" href={`/o/${orgSlug}/audit`} testId="tile-changes">
            {recentChanges.length === 0 ? (
              <p className="text-sm text-slate-700">No changes yet.</p>
            ) : (
              <ul className="divide-y divide-slate-100 text-sm">
                {recentChanges.map((c) => (
                  <li key={c.id} className="flex flex-wrap justify-between gap-2 py-1">
                    <span className="font-medium">{c.action}</span>
                    <span className="text-slate-600">
                      {c.actorEmail ?? c.actorKind ?? "system"}
                      {mounted && ` · ${timeAgo(c.createdAt, now)}`}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </Tile>
        </div>
      )}
      {isMsp && (
        <Tile title="Customers" href={`/o/${orgSlug}/customers`} testId="tile-customers">
          <p className="text-sm text-slate-700">
            Every customer's health, incidents, sites and usage at a glance.
          </p>
        </Tile>
      )}
    </div>
  );
}

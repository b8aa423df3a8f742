"use client";

import { Badge } from "@/app/_components/status-ui";
import { Button, Card } from "@/app/_components/ui";
import { formatMoney } from "./format";
import type { BillingSummary } from "./types";

type PlanInfo = BillingSummary["plans"][number];

const SALES = "mailto:sales@patronus.dev?subject=Patronus%20Enterprise";

function price(p: PlanInfo) {
  if (p.purchase === "sales") return "Custom pricing";
  if (!p.pricePerSiteCents) return "Free";
  return `${formatMoney(p.pricePerSiteCents)} per site / month`;
}

function limitsLine(p: PlanInfo) {
  const l = p.limits;
  return `${l.sites} sites, ${l.devices} devices, ${l.members} members, ${l.apiKeys} API keys, ${l.includedGb} GB/month included`;
}

/** Where the org could go: Standard through Checkout, Enterprise through sales. */
export function PlanOptions({
  summary: s,
  canManage,
  onUpgrade,
  upgrading,
}: {
  summary: BillingSummary;
  canManage: boolean;
  onUpgrade: () => void;
  upgrading: boolean;
}) {
  const plans = s.plans.filter((p) => p.key !== "free");
  return (
    <Card>
      <h2 className="mb-3 font-semibold">Plans</h2>
      <ul className="grid gap-4 sm:grid-cols-2">
        {plans.map((p) => (
          <li
            key={p.key}
            className="flex flex-col gap-2 rounded-md border border-slate-200 p-4"
            data-testid={`plan-${p.key}`}
          >
            <h3 className="flex items-center gap-2 font-semibold">
              {p.name}
              {s.plan.key === p.key && <Badge tone="blue">your plan</Badge>}
            </h3>
            <p className="text-sm text-slate-700">{p.blurb}</p>
            <p className="text-sm font-medium text-slate-900">{price(p)}</p>
            {p.overagePerGbCents !== null && (
              <p className="text-xs text-slate-600">
                Data transfer above {p.limits.includedGb} GB: {formatMoney(p.overagePerGbCents)} per
                GB
              </p>
            )}
            {p.purchase === "checkout" && <p className="text-xs text-slate-600">{limitsLine(p)}</p>}
            <div className="mt-auto pt-2">
              {p.purchase === "checkout" && s.canCheckout && canManage && (
                <Button onClick={onUpgrade} disabled={upgrading}>
                  {s.trialEligible && p.trialDays
                    ? `Upgrade to ${p.name} (${p.trialDays}-day trial)`
                    : `Upgrade to ${p.name}`}
                </Button>
              )}
              {p.purchase === "sales" && s.plan.key !== p.key && (
                <a
                  href={SALES}
                  className="inline-flex items-center justify-center rounded-md border border-slate-300 bg-white px-3.5 py-2 text-sm font-medium text-slate-800 hover:bg-slate-100"
                >
                  Contact sales
                </a>
              )}
            </div>
          </li>
        ))}
      </ul>
    </Card>
  );
}

"use client";

import type { ReactNode } from "react";
import { Alert, Button, Card } from "@/app/_components/ui";
import { formatDate } from "./format";
import { StatusBadge } from "./status-badge";
import type { BillingSummary } from "./types";

interface Actions {
  canManage: boolean;
  onManage: () => void;
  managing: boolean;
}

/** The current plan, its standing and dates, and the way to Stripe's customer portal. */
export function PlanCard({ summary: s, ...actions }: { summary: BillingSummary } & Actions) {
  const consolidated = s.mode === "consolidated";
  return (
    <Card>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h2 className="text-sm font-medium text-slate-600">Current plan</h2>
          <p className="mt-1 flex items-center gap-2 text-xl font-semibold" data-testid="plan-name">
            {s.plan.name}
            <StatusBadge summary={s} />
          </p>
        </div>
        {actions.canManage && s.canManage && (
          <Button variant="secondary" onClick={actions.onManage} disabled={actions.managing}>
            Manage billing
          </Button>
        )}
      </div>
      <dl className="mt-4 grid gap-x-6 gap-y-2 text-sm sm:grid-cols-2">
        {s.trialEndsAt && s.subscriptionStatus === "trialing" && (
          <Fact label="Trial ends">{formatDate(s.trialEndsAt)}</Fact>
        )}
        {!s.readOnly && s.graceEndsAt && (
          <Fact label="Read-only from, unless paid">{formatDate(s.graceEndsAt)}</Fact>
        )}
        {s.periodEnd && (
          <Fact label={s.cancelAtPeriodEnd ? "Ends on" : "Current period ends"}>
            {formatDate(s.periodEnd)}
          </Fact>
        )}
      </dl>
      {consolidated && (
        <p className="mt-3 text-sm text-slate-700">
          Billed through <strong data-testid="billed-through">{s.payerName ?? "your MSP"}</strong>:
          its plan and limits apply here, and it receives the invoices.
        </p>
      )}
      {s.readOnly && (
        <div className="mt-3">
          <Alert>
            A payment failed and the grace period is over: this organization is read-only. Running
            sites keep running; pay the open invoice (Manage billing) to make changes again.
          </Alert>
        </div>
      )}
    </Card>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="flex gap-2">
      <dt className="text-slate-600">{label}:</dt>
      <dd className="font-medium text-slate-900">{children}</dd>
    </div>
  );
}

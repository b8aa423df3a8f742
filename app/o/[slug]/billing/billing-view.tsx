"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { Alert, Card } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { CustomerBillingTable } from "./customer-billing";
import { InvoiceTable } from "./invoice-table";
import { PlanCard } from "./plan-card";
import { PlanOptions } from "./plan-options";
import { UsageChart } from "./usage-chart";
import { UsageLimits } from "./usage-limits";

/** Back from Checkout, the subscription arrives by webhook: poll until the plan shows. */
const POLL_MS = 1_500;
const MAX_POLLS = 60;

export function BillingView({
  orgSlug,
  canManage,
  checkout,
}: {
  orgSlug: string;
  canManage: boolean;
  checkout: "success" | "cancelled" | null;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const summaryKey = trpc.billing.summary.queryKey({ orgSlug });
  const summary = useQuery(
    trpc.billing.summary.queryOptions(
      { orgSlug },
      {
        refetchInterval: (q) =>
          checkout === "success" &&
          q.state.data?.plan.key === "free" &&
          q.state.dataUpdateCount < MAX_POLLS
            ? POLL_MS
            : false,
      },
    ),
  );
  const refresh = useMutation(
    trpc.billing.refresh.mutationOptions({
      onSuccess: (data) => queryClient.setQueryData(summaryKey, data),
    }),
  );
  const go = { onSuccess: ({ url }: { url: string }) => window.location.assign(url) };
  const upgrade = useMutation(trpc.billing.checkout.mutationOptions(go));
  const manage = useMutation(trpc.billing.portal.mutationOptions(go));

  // Once per visit: re-sync from Stripe now rather than wait for the webhook.
  const refreshed = useRef(false);
  useEffect(() => {
    if (checkout !== "success" || !canManage || refreshed.current) return;
    refreshed.current = true;
    refresh.mutate({ orgSlug });
  }, [checkout, canManage, orgSlug, refresh]);

  const s = summary.data;
  if (summary.error) return <Alert>{summary.error.message}</Alert>;
  if (!s) return <p className="text-sm text-slate-600">Loading…</p>;
  if (!s.enabled)
    return (
      <Card>
        <h2 className="font-semibold">Billing is off on this installation</h2>
        <p className="mt-1 text-sm text-slate-700">
          Nothing is limited here: every organization may have as many sites, devices and members as
          it needs.
        </p>
      </Card>
    );
  const subscribed = s.plan.key !== "free";
  const actionError = upgrade.error ?? manage.error ?? refresh.error;
  return (
    <div className="space-y-6">
      {checkout === "success" && (
        <Alert kind={subscribed ? "success" : "info"}>
          {subscribed
            ? `Thank you: this organization is now on ${s.plan.name}.`
            : "Payment received; confirming your subscription with Stripe…"}
        </Alert>
      )}
      {checkout === "cancelled" && (
        <Alert kind="info">Checkout was cancelled; nothing has changed.</Alert>
      )}
      {actionError && <Alert>{actionError.message}</Alert>}
      <PlanCard
        summary={s}
        canManage={canManage}
        onManage={() => manage.mutate({ orgSlug })}
        managing={manage.isPending || manage.isSuccess}
      />
      <UsageLimits summary={s} />
      <UsageChart orgSlug={orgSlug} />
      {s.mode === "direct" && (
        <PlanOptions
          summary={s}
          canManage={canManage}
          onUpgrade={() => upgrade.mutate({ orgSlug, plan: "standard" })}
          upgrading={upgrade.isPending || upgrade.isSuccess}
        />
      )}
      {s.mode === "direct" && <InvoiceTable orgSlug={orgSlug} />}
      {s.isMsp && <CustomerBillingTable orgSlug={orgSlug} canManage={canManage} />}
    </div>
  );
}

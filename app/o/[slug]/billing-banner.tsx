"use client";

import { useQuery } from "@tanstack/react-query";
import { Link } from "@/app/_components/link";
import { useTRPC } from "@/app/_trpc/client";
import { formatDate } from "./billing/format";

/**
 * Tells every member when the org is read-only (a payment failed and the grace period is
 * over) or will be soon. A client query, so it updates without a full page load; those who
 * may see billing get a link to it.
 */
export function BillingBanner({
  orgSlug,
  canSeeBilling,
}: {
  orgSlug: string;
  canSeeBilling: boolean;
}) {
  const trpc = useTRPC();
  const status = useQuery(
    trpc.billing.status.queryOptions({ orgSlug }, { refetchInterval: 60_000 }),
  );
  const s = status.data;
  if (!s?.enabled || !s.graceEndsAt) return null;
  const link = canSeeBilling ? (
    <Link href={`/o/${orgSlug}/billing`} className="font-medium underline">
      Go to billing
    </Link>
  ) : (
    "Ask an owner or the billing contact to pay it."
  );
  return s.readOnly ? (
    <div
      className="border-b border-red-200 bg-red-50 px-4 py-2 text-sm text-red-900"
      role="status"
      data-testid="read-only-banner"
    >
      <strong>This organization is read-only:</strong> a payment failed and the grace period is
      over. Running sites keep running, but nothing can be changed until the invoice is paid. {link}
    </div>
  ) : (
    <div
      className="border-b border-amber-200 bg-amber-50 px-4 py-2 text-sm text-amber-900"
      role="status"
      data-testid="grace-banner"
    >
      A payment failed. Unless it is paid, this organization becomes read-only on{" "}
      {formatDate(s.graceEndsAt)}. {link}
    </div>
  );
}

import { Badge, type Tone } from "@/app/_components/status-ui";
import type { BillingSummary } from "./types";

/** One word for where the org stands, most urgent first. */
export function standing(s: BillingSummary): { label: string; tone: Tone } {
  if (s.readOnly) return { label: "read-only", tone: "red" };
  switch (s.subscriptionStatus) {
    case "past_due":
    case "unpaid":
      return { label: "past due", tone: "amber" };
    case "trialing":
      return { label: "trialing", tone: "blue" };
    case "active":
      return { label: "active", tone: "green" };
  }
  if (s.plan.key === "enterprise") return { label: "active", tone: "green" };
  if (s.subscriptionStatus === "canceled") return { label: "canceled", tone: "slate" };
  return { label: "free", tone: "slate" };
}

export function StatusBadge({ summary }: { summary: BillingSummary }) {
  const { label, tone } = standing(summary);
  return (
    <span data-testid="billing-status" data-status={label}>
      <Badge tone={tone}>{label}</Badge>
    </span>
  );
}

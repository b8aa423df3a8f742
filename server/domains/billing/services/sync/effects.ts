// What a billing change leaves behind: an audit entry (a system principal: "stripe",
// "system" or "operator", since no signed-in user made it) and mail to the org's owners.
import { writeAudit } from "../../../../platform/audit/write-audit";
import type { Prisma, Tx } from "../../../../platform/db/client";
import { env } from "../../../../platform/env";
import { emitEvent } from "../../../../platform/events/emit-event";
import { systemPrincipal } from "../../../../platform/tenancy/principal";
import { brandedMail } from "../../../branding";

export async function billingAudit(
  tx: Tx,
  orgId: string,
  action: string,
  detail: { targetId?: string | null; before?: unknown; after?: unknown; by?: string } = {},
) {
  await writeAudit(tx, systemPrincipal(detail.by ?? "stripe"), {
    orgId,
    action,
    targetType: "billing",
    targetId: detail.targetId ?? null,
    before: (detail.before ?? undefined) as Prisma.InputJsonValue | undefined,
    after: (detail.after ?? undefined) as Prisma.InputJsonValue | undefined,
  });
  // Every billing audit entry records a change of the org's billing state.
  await emitEvent(tx, orgId, "billing.state_changed", {
    change: action.replace(/^billing\./, ""),
    before: detail.before ?? null,
    after: detail.after ?? null,
  });
}

/** What a billing alert says ({{alertTitle}}, {{alertText}}) and where it links. */
export interface BillingAlert {
  alertTitle: string;
  alertText: string;
  url: string;
}

/**
 * Mails every owner of `orgId` an alert in the org's brand (the transaction must be scoped
 * to it); `mailKind` is the outbox's kind (billing-payment-failed, billing-read-only).
 */
export async function mailOwners(
  tx: Tx,
  orgId: string,
  mailKind: string,
  make: (org: { name: string; billingUrl: string }) => BillingAlert,
) {
  const org = await tx.organization.findUnique({
    where: { id: orgId },
    select: { name: true, slug: true },
  });
  if (!org) return;
  const owners = await tx.membership.findMany({
    where: { orgId, role: "owner" },
    select: { user: { select: { email: true } } },
  });
  const billingUrl = `${env.APP_URL.replace(/\/$/, "")}/o/${org.slug}/billing`;
  const { alertTitle, alertText, url } = make({ name: org.name, billingUrl });
  for (const o of owners)
    await brandedMail(tx, {
      orgId,
      kind: "alert",
      mailKind,
      to: o.user.email,
      vars: { orgName: org.name, alertTitle, alertText, url },
    });
}

export function money(cents: number, currency: string) {
  return new Intl.NumberFormat("en-US", {
    style: "currency",
    currency: currency.toUpperCase(),
  }).format(cents / 100);
}

// What a billing change leaves behind: an audit entry (a system principal: "stripe",
// "system" or "operator", since no signed-in user made it) and mail to the org's owners.
import { writeAudit } from "../../../../platform/audit/write-audit";
import type { Prisma, Tx } from "../../../../platform/db/client";
import { env } from "../../../../platform/env";
import type { MailInput } from "../../../../platform/mail/queue-mail";
import { queueMail } from "../../../../platform/mail/queue-mail";
import { systemPrincipal } from "../../../../platform/tenancy/principal";

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
}

/** Mails every owner of `orgId` (the transaction must be scoped to it). */
export async function mailOwners(
  tx: Tx,
  orgId: string,
  make: (to: string, org: { name: string; billingUrl: string }) => MailInput,
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
  for (const o of owners) await queueMail(tx, make(o.user.email, { name: org.name, billingUrl }));
}

export function money(cents: number, currency: string) {
  return new Intl.NumberFormat("en-US", {
    style: "currency",
    currency: currency.toUpperCase(),
  }).format(cents / 100);
}

// An org's custom domains. Every change writes the audit log in its transaction and drops
// the host directory's cache, so the new state serves at once in this process.
import { randomBytes } from "node:crypto";
import { type Actor, writeAudit } from "../../../platform/audit/write-audit";
import type { Tx } from "../../../platform/db/client";
import type { CustomDomain } from "../../../platform/db/generated/client";
import { AppError, notFound } from "../../../platform/errors";
import { forgetHosts } from "./host-directory";

/** A constant cap: domains are few per org (one portal host, perhaps one per brand). */
export const MAX_DOMAINS_PER_ORG = 10;

export const recordName = (hostname: string) => `_patronus.${hostname}`;
export const recordValue = (token: string) => `patronus-domain-verification=${token}`;

export function domainView(d: CustomDomain) {
  return {
    id: d.id,
    hostname: d.hostname,
    status: d.status,
    record: {
      type: "TXT" as const,
      name: recordName(d.hostname),
      value: recordValue(d.verificationToken),
    },
    verifiedAt: d.verifiedAt,
    lastCheckedAt: d.lastCheckedAt,
    lastError: d.lastError,
    createdAt: d.createdAt,
  };
}

export async function requireDomain(tx: Tx, orgId: string, domainId: string) {
  const domain = await tx.customDomain.findFirst({ where: { orgId, id: domainId } });
  if (!domain) throw notFound("Domain");
  return domain;
}

export async function listDomains(tx: Tx, orgId: string) {
  const rows = await tx.customDomain.findMany({
    where: { orgId },
    orderBy: [{ hostname: "asc" }],
  });
  return rows.map(domainView);
}

export async function addDomain(tx: Tx, actor: Actor, orgId: string, hostname: string) {
  const count = await tx.customDomain.count({ where: { orgId } });
  if (count >= MAX_DOMAINS_PER_ORG)
    throw new AppError(
      "BAD_REQUEST",
      `An organization has at most ${MAX_DOMAINS_PER_ORG} domains: remove one first`,
    );
  // Unique in the org (a second claim of the same host is a 409). Other orgs may claim it
  // too: whichever proves the DNS record first serves it (verify-domain.ts).
  const domain = await tx.customDomain.create({
    data: { orgId, hostname, verificationToken: randomBytes(16).toString("hex") },
  });
  await writeAudit(tx, actor, {
    orgId,
    action: "domain.add",
    targetType: "custom_domain",
    targetId: domain.id,
    after: { hostname },
  });
  return domainView(domain);
}

export async function removeDomain(tx: Tx, actor: Actor, orgId: string, domainId: string) {
  const domain = await requireDomain(tx, orgId, domainId);
  await tx.customDomain.delete({ where: { id: domain.id, orgId } });
  await writeAudit(tx, actor, {
    orgId,
    action: "domain.remove",
    targetType: "custom_domain",
    targetId: domain.id,
    before: { hostname: domain.hostname, status: domain.status },
  });
  forgetHosts();
}

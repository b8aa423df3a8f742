import { type Actor, writeAudit } from "../../../platform/audit/write-audit";
import type { Db, Tx } from "../../../platform/db/client";
import { setTxOrg, withScope } from "../../../platform/db/with-tenant";
import { env } from "../../../platform/env";
import { log } from "../../../platform/log/logger";
import { systemPrincipal } from "../../../platform/tenancy/principal";
import { checkRecord } from "./check-record";
import { domainView, requireDomain } from "./domains";
import { forgetHosts } from "./host-directory";

/**
 * Checks the domain's TXT record now and records the outcome: verified when the record
 * carries its token, failed otherwise (with the reason). Idempotent.
 */
export async function verifyDomain(tx: Tx, actor: Actor, orgId: string, domainId: string) {
  const domain = await requireDomain(tx, orgId, domainId);
  const problem =
    (await checkRecord(domain.hostname, domain.verificationToken)) ??
    ((await servedByAnotherOrg(tx, domain.hostname, orgId))
      ? `${domain.hostname} is verified by another organization; it serves that one until its record is gone`
      : null);
  const now = new Date();
  const updated = await tx.customDomain.update({
    where: { id: domain.id, orgId },
    data: problem
      ? { status: "failed", servedHostname: null, lastCheckedAt: now, lastError: problem }
      : {
          status: "verified",
          // Unique: a verification racing another org's for the same host is a 409.
          servedHostname: domain.hostname,
          lastCheckedAt: now,
          lastError: null,
          verifiedAt: domain.status === "verified" ? domain.verifiedAt : now,
        },
  });
  if (updated.status !== domain.status)
    await writeAudit(tx, actor, {
      orgId,
      action: "domain.verify",
      targetType: "custom_domain",
      targetId: domain.id,
      before: { status: domain.status },
      after: { status: updated.status, error: problem },
    });
  forgetHosts();
  return domainView(updated);
}

/**
 * Whether another org's claim on `hostname` is the verified one. Claims of other orgs are
 * invisible to this org's scope: the directory policy is switched on for this one read.
 */
async function servedByAnotherOrg(tx: Tx, hostname: string, orgId: string) {
  await tx.$executeRaw`SELECT set_config('app.domain_directory', 'on', true)`;
  try {
    const rows = await tx.$queryRaw<{ n: number }[]>`
      SELECT 1 AS n FROM custom_domains WHERE "servedHostname" = ${hostname} AND "orgId" <> ${orgId}`;
    return rows.length > 0;
  } finally {
    await tx.$executeRaw`SELECT set_config('app.domain_directory', 'off', true)`;
  }
}

const SYSTEM = systemPrincipal("domain.recheck");

/** How long a transaction that checks a record may take: the lookup's deadline and more. */
export const dnsBudgetMs = () => env.DNS_TIMEOUT_MS * 4 + 5_000;

/**
 * The re-verification sweep: every verified domain not checked for DOMAIN_RECHECK_MINUTES
 * is checked again; one whose record is gone becomes failed and stops serving its org.
 * Reads across orgs through custom_domains' read-only directory policy; writes in each
 * org's own scope.
 */
export async function recheckDomains(db: Db): Promise<number> {
  const before = new Date(Date.now() - env.DOMAIN_RECHECK_MINUTES * 60_000);
  const due = await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT set_config('app.domain_directory', 'on', true)`;
    return tx.$queryRaw<{ id: string; orgId: string }[]>`
      SELECT id, "orgId" FROM custom_domains
      WHERE status = 'verified' AND ("lastCheckedAt" IS NULL OR "lastCheckedAt" <= ${before})
      ORDER BY "lastCheckedAt" NULLS FIRST LIMIT 200`;
  });
  let failed = 0;
  for (const d of due) {
    const view = await withScope(
      db,
      { orgId: d.orgId },
      async (tx) => {
        await setTxOrg(tx, d.orgId);
        return verifyDomain(tx, SYSTEM, d.orgId, d.id);
      },
      { timeoutMs: dnsBudgetMs() },
    ).catch((error: unknown) => {
      log.warn("domain recheck failed", { domainId: d.id, error });
      return null;
    });
    if (view?.status === "failed") failed++;
  }
  return failed;
}

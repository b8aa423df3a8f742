// Which web origins' browser scripts may call the REST API with the org's keys (CORS). Off
// by default: a key belongs on a server, and a page that holds one shows it to its users.
import { type Actor, writeAudit } from "../../../../platform/audit/write-audit";
import type { Tx } from "../../../../platform/db/client";
import { AppError } from "../../../../platform/errors";
import type { TenantContext } from "../../../../platform/tenancy/resolve-membership";

export const MAX_CORS_ORIGINS = 20;

/** "https://app.example.com" or "http://localhost:5173": a scheme, a host, maybe a port. */
export function canonicalOrigin(value: string, index: number): string {
  const bad = () =>
    new AppError("BAD_REQUEST", `corsOrigins.${index}: an origin is https://host[:port]`, {
      [`corsOrigins.${index}`]: "an origin is https://host[:port], nothing after it",
    });
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw bad();
  }
  if (!["https:", "http:"].includes(url.protocol) || url.username || url.password) throw bad();
  if (`${url.origin}` !== value.replace(/\/$/, "") || url.origin === "null") throw bad();
  return url.origin;
}

export async function getApiAccess(tx: Tx, orgId: string) {
  const org = await tx.organization.findUniqueOrThrow({
    where: { id: orgId },
    select: { apiCorsOrigins: true },
  });
  return { corsOrigins: org.apiCorsOrigins };
}

export async function updateApiAccess(
  tx: Tx,
  actor: Actor,
  tenant: TenantContext,
  input: { corsOrigins: string[] },
) {
  if (input.corsOrigins.length > MAX_CORS_ORIGINS)
    throw new AppError("BAD_REQUEST", `corsOrigins: at most ${MAX_CORS_ORIGINS} origins`);
  const origins = [...new Set(input.corsOrigins.map(canonicalOrigin))].sort();
  const before = await getApiAccess(tx, tenant.orgId);
  await tx.organization.update({
    where: { id: tenant.orgId },
    data: { apiCorsOrigins: origins },
  });
  await writeAudit(tx, actor, {
    orgId: tenant.orgId,
    action: "org.apiAccess",
    targetType: "organization",
    targetId: tenant.orgId,
    before: { corsOrigins: before.corsOrigins },
    after: { corsOrigins: origins },
  });
  return { corsOrigins: origins };
}

/** The origins allowed for the org named `slug` (none for an org that does not exist). */
export async function corsOriginsOf(tx: Tx, slug: string): Promise<string[]> {
  const org = await tx.organization.findUnique({
    where: { slug },
    select: { apiCorsOrigins: true },
  });
  return org?.apiCorsOrigins ?? [];
}

// What the API key tests share: an org with its owner, the tenant context a service takes,
// keys made through the service, and the owner's connection for looking at raw rows.
import { createApiKey } from "../../../server/domains/identity/services/api-key/create-api-key";
import { createDb, getDb, type Role, type Tx } from "../../../server/platform/db/client";
import { withScope } from "../../../server/platform/db/with-tenant";
import type { Principal } from "../../../server/platform/tenancy/principal";
import type { TenantContext } from "../../../server/platform/tenancy/resolve-membership";
import { createOrgWithOwner } from "../../../testkit/factories/identity";

/** The migrations' owner: sees every row, to check what is really stored. */
export const ownerDb = createDb(process.env.DATABASE_URL!);

export const asOrg = <T>(orgId: string, fn: (tx: Tx) => Promise<T>) =>
  withScope(getDb(), { orgId }, fn);

export async function keyOrg() {
  const o = await createOrgWithOwner();
  const tenant = (role: Role = "owner"): TenantContext => ({
    orgId: o.org.id,
    orgSlug: o.slug,
    orgName: o.org.name,
    orgKind: "standard",
    role,
    viaOrgId: null,
  });
  /** A key made by `actor` (the owner by default) through the service. */
  const newKey = (
    input: Partial<Parameters<typeof createApiKey>[3]> = {},
    actor: Principal = o.owner,
    role: Role = "owner",
  ) =>
    asOrg(o.org.id, (tx) =>
      createApiKey(tx, actor, tenant(role), { name: "CI", scopes: ["site.read"], ...input }),
    );
  return { ...o, orgId: o.org.id, tenant, newKey };
}

/** The code and details of a promise that must be refused. */
export async function refusal(call: Promise<unknown>) {
  const error = await call.then(
    () => null,
    (e: unknown) => e as { code: string; message: string; details?: Record<string, unknown> },
  );
  if (!error) throw new Error("the call should have been refused");
  return { code: error.code, message: error.message, details: error.details };
}

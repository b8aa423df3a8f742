import { headers } from "next/headers";
import { hostOrgOf } from "../domains/custom-domains";

/**
 * For server components: the org whose verified custom domain this request came in on
 * ({orgId, slug, name}), or null on the main app. The brand layer themes by it; pages scope
 * by it (docs/custom-domains.md).
 */
export async function getHostOrg() {
  const host = await hostOrgOf(await headers());
  return host ? { orgId: host.orgId, slug: host.slug, name: host.name } : null;
}

// A site's install (enrollment) tokens, as the sites API lists them. A site has few: paged
// in memory over the fleet domain's list.
import type { Tx } from "../../../platform/db/client";
import { type PageQuery, pageInMemory } from "../../../platform/pagination";
import { listEnrollmentTokens } from "../../fleet";
import { requireSite } from "./sites";

export async function listInstallTokens(tx: Tx, orgId: string, siteId: string, q: PageQuery) {
  await requireSite(tx, orgId, siteId);
  return pageInMemory(await listEnrollmentTokens(tx, orgId, siteId), q);
}

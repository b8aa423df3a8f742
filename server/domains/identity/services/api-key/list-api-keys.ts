import type { Tx } from "../../../../platform/db/client";
import { keysetArgs, type PageQuery, pageOf } from "../../../../platform/pagination";
import { API_KEY_SELECT, apiKeyView } from "./view";

/** One page of the org's keys, revoked and expired ones included (marked by status). */
export async function listApiKeys(tx: Tx, orgId: string, query: PageQuery) {
  const { where: past, ...args } = keysetArgs(query);
  const rows = await tx.apiKey.findMany({
    where: { orgId, ...past },
    select: API_KEY_SELECT,
    ...args,
  });
  return pageOf(rows, query, apiKeyView);
}

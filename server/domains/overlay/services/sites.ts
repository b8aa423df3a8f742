// A site's place in the overlay: its role (edge, hub, cloud gateway) and the LAN
// prefixes it offers. Sites themselves are made in sites.ts.

import type { z } from "zod";
import { type Actor, writeAudit } from "../../../platform/audit/write-audit";
import type { Tx } from "../../../platform/db/client";
import type { TenantContext } from "../../../platform/tenancy/resolve-membership";
import { bumpRevision } from "../../fleet";
import { requireSite } from "../../sites";
import type { ZSiteOverlayInput } from "../schemas";

export type SiteOverlayInput = z.infer<typeof ZSiteOverlayInput>;

export async function updateSiteOverlay(
  tx: Tx,
  actor: Actor,
  tenant: TenantContext,
  input: SiteOverlayInput,
) {
  const before = await requireSite(tx, tenant.orgId, input.siteId);
  const prefixes = [...new Set(input.prefixes)];
  await tx.site.update({
    where: { id: before.id, orgId: tenant.orgId },
    data: { role: input.role, prefixes },
  });
  await writeAudit(tx, actor, {
    orgId: tenant.orgId,
    action: "overlay.site.update",
    targetType: "site",
    targetId: before.id,
    before: { role: before.role, prefixes: before.prefixes },
    after: { role: input.role, prefixes },
  });
  const revision = await bumpRevision(
    tx,
    tenant.orgId,
    actor,
    `overlay role/prefixes of ${before.name} changed`,
  );
  return { id: before.id, revision };
}

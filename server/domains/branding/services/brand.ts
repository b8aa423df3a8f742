// An org's own brand: read with its effective result, changed field by field. Every change
// writes the audit log in its transaction.

import { assetUrl } from "../../../platform/assets";
import { type Actor, writeAudit } from "../../../platform/audit/write-audit";
import type { Tx } from "../../../platform/db/client";
import { AppError } from "../../../platform/errors";
import { mayWhiteLabel, WHITE_LABEL_REFUSED } from "../../billing";
import type { BrandFields } from "../schemas";
import { brandRows, mergeBrand } from "./effective";

const FIELDS = [
  "productName",
  "primaryColor",
  "accentColor",
  "supportUrl",
  "supportEmail",
  "signInText",
  "emailSenderName",
  "hidePoweredBy",
] as const;

type BrandRow = NonNullable<Awaited<ReturnType<typeof brandRows>>["own"]>;

const pick = (row: BrandRow | null) =>
  Object.fromEntries(FIELDS.map((f) => [f, row?.[f] ?? null])) as BrandFields;

const url = (id: string | null | undefined) => (id ? assetUrl(id) : null);

export async function getBrandView(tx: Tx, orgId: string) {
  const { own, parent } = await brandRows(tx, orgId);
  const allowed = await mayWhiteLabel(tx, orgId);
  return {
    own: {
      ...pick(own),
      logoLightUrl: url(own?.logoLightAssetId),
      logoDarkUrl: url(own?.logoDarkAssetId),
      faviconUrl: url(own?.faviconAssetId),
    },
    effective: mergeBrand(own, parent, allowed),
    whiteLabel: { allowed, reason: allowed ? null : WHITE_LABEL_REFUSED },
  };
}

/** Sets the fields `patch` names (null clears one: inherited again). */
export async function updateBrand(
  tx: Tx,
  actor: Actor,
  orgId: string,
  patch: Partial<BrandFields>,
) {
  if (patch.hidePoweredBy === true && !(await mayWhiteLabel(tx, orgId)))
    throw new AppError("PAYMENT_REQUIRED", WHITE_LABEL_REFUSED, {
      hidePoweredBy: WHITE_LABEL_REFUSED,
    });
  const data = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  const before = await tx.brand.findUnique({ where: { orgId } });
  const after = await tx.brand.upsert({
    where: { orgId },
    create: { orgId, ...data },
    update: data,
  });
  const changed = FIELDS.filter((f) => (before?.[f] ?? null) !== after[f]);
  if (changed.length > 0)
    await writeAudit(tx, actor, {
      orgId,
      action: "brand.update",
      targetType: "brand",
      targetId: orgId,
      before: Object.fromEntries(changed.map((f) => [f, before?.[f] ?? null])),
      after: Object.fromEntries(changed.map((f) => [f, after[f]])),
    });
  return getBrandView(tx, orgId);
}

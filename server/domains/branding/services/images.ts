// The brand's images: uploaded as base64 in JSON, checked and stored through the platform's
// asset storage; the image replaced or removed is deleted from it.
import { deleteAsset, type ImageSlot, storeImage } from "../../../platform/assets";
import { type Actor, writeAudit } from "../../../platform/audit/write-audit";
import type { Tx } from "../../../platform/db/client";
import { AppError } from "../../../platform/errors";
import type { BrandImageSlot } from "../schemas";
import { getBrandView } from "./brand";

const COLUMN = {
  logoLight: "logoLightAssetId",
  logoDark: "logoDarkAssetId",
  favicon: "faviconAssetId",
} as const;
const STORAGE_SLOT: Record<BrandImageSlot, ImageSlot> = {
  logoLight: "logo",
  logoDark: "logo",
  favicon: "favicon",
};

/** The bytes of `data` (base64, optionally a data: URL); anything else is a 400. */
export function decodeBase64(data: string): Uint8Array {
  const body = data.replace(/^data:[a-z/+.-]+;base64,/i, "").replace(/\s+/g, "");
  if (!body || body.length % 4 === 1 || !/^[A-Za-z0-9+/]*={0,2}$/.test(body))
    throw new AppError("BAD_REQUEST", "The image is not valid base64", {
      dataBase64: "Not valid base64",
    });
  return new Uint8Array(Buffer.from(body, "base64"));
}

async function setImage(
  tx: Tx,
  actor: Actor,
  orgId: string,
  slot: BrandImageSlot,
  id: string | null,
) {
  const column = COLUMN[slot];
  const before = await tx.brand.findUnique({ where: { orgId } });
  const previous = before?.[column] ?? null;
  await tx.brand.upsert({
    where: { orgId },
    create: { orgId, [column]: id },
    update: { [column]: id },
  });
  if (previous && previous !== id) await deleteAsset(tx, orgId, previous);
  await writeAudit(tx, actor, {
    orgId,
    action: id ? "brand.image_upload" : "brand.image_remove",
    targetType: "brand",
    targetId: orgId,
    before: { slot, assetId: previous },
    after: { slot, assetId: id },
  });
  return getBrandView(tx, orgId);
}

export async function uploadBrandImage(
  tx: Tx,
  actor: Actor,
  orgId: string,
  slot: BrandImageSlot,
  dataBase64: string,
) {
  const stored = await storeImage(tx, orgId, STORAGE_SLOT[slot], decodeBase64(dataBase64));
  return setImage(tx, actor, orgId, slot, stored.id);
}

export const removeBrandImage = (tx: Tx, actor: Actor, orgId: string, slot: BrandImageSlot) =>
  setImage(tx, actor, orgId, slot, null);

// An org's validated images (logos, favicons): checked by content (server/platform/images),
// bytes in the configured blob store (server/platform/storage), a row in `assets` (RLS),
// served publicly at /assets/<id> (read-public.ts). docs/storage.md.
import { createHash, randomBytes } from "node:crypto";
import type { Tx } from "../db/client";
import { afterCommit } from "../db/with-tenant";
import { AppError, notFound } from "../errors";
import { type ImageSlot, SLOT_LIMITS, validateImage } from "../images";
import { blobStore } from "../storage";
import { ASSET_ID } from "./asset-id";

export type { ImageSlot } from "../images";
/** The limits storeImage applies per slot (for forms to check the same before uploading). */
export { SLOT_LIMITS } from "../images";
export { type PublicAsset, readPublicAsset } from "./read-public";

export interface StoredAsset {
  id: string;
  contentType: string;
  width: number;
  height: number;
  byteSize: number;
  url: string;
}

/** The public address of an asset. Ids change with content, so it can be cached forever. */
export function assetUrl(id: string): string {
  return `/assets/${id}`;
}

/**
 * Validates (type by content, size, dimensions; SVG sanitised) and stores. Throws AppError
 * BAD_REQUEST with a clear message on bad input. `db` is the tenant transaction.
 *
 * The bytes are written before the row: a row always has its bytes. If the transaction
 * then rolls back, the blob stays behind unreferenced (harmless: nothing serves a blob
 * without its row).
 */
export async function storeImage(
  db: Tx,
  orgId: string,
  slot: ImageSlot,
  bytes: Uint8Array,
): Promise<StoredAsset> {
  if (!Object.hasOwn(SLOT_LIMITS, slot))
    throw new AppError("BAD_REQUEST", `Unknown image slot: ${String(slot).slice(0, 40)}`);
  if (!(bytes instanceof Uint8Array)) throw new AppError("BAD_REQUEST", "The file is missing");
  const image = validateImage(slot, bytes);
  // 144 random bits: the id is the only thing guarding an asset from being enumerated.
  const id = `ast_${randomBytes(18).toString("base64url")}`;
  const storageKey = `assets/${orgId}/${id}`;
  const store = blobStore();
  await store.put(storageKey, image.bytes, image.contentType);
  try {
    await db.asset.create({
      data: {
        id,
        orgId,
        slot,
        contentType: image.contentType,
        byteSize: image.bytes.length,
        width: image.width,
        height: image.height,
        sha256: createHash("sha256").update(image.bytes).digest("hex"),
        storageKey,
      },
    });
  } catch (error) {
    await store.delete(storageKey).catch(() => undefined);
    throw error;
  }
  const { contentType, width, height } = image;
  return { id, contentType, width, height, byteSize: image.bytes.length, url: assetUrl(id) };
}

/**
 * Deletes an asset of the org (another org's id, or an unknown one: NOT_FOUND). The bytes
 * go once the transaction has committed, so a rollback leaves the asset whole.
 */
export async function deleteAsset(db: Tx, orgId: string, id: string): Promise<void> {
  if (!ASSET_ID.test(id)) throw notFound("Asset");
  const row = await db.asset.findFirst({ where: { orgId, id }, select: { storageKey: true } });
  if (!row) throw notFound("Asset");
  await db.asset.deleteMany({ where: { orgId, id } });
  await afterCommit(db, () => blobStore().delete(row.storageKey));
}

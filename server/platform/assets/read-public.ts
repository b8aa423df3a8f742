import { createHash } from "node:crypto";
import { type Db, getDb } from "../db/client";
import { log } from "../log/logger";
import { blobStore } from "../storage";
import { ASSET_ID } from "./asset-id";

export interface PublicAsset {
  contentType: string;
  bytes: Uint8Array;
  sha256: string;
}

/**
 * One asset by id, whatever its org, for the public route (brand images appear on sign-in
 * pages, before anyone signs in). Reads through the one RLS exception `assets` has: the
 * transaction names the id (app.asset_id) and sees that row only, read only. A malformed
 * or unknown id, or bytes that are not what was checked, is null (the route's 404).
 */
export async function readPublicAsset(id: string, db: Db = getDb()): Promise<PublicAsset | null> {
  if (!ASSET_ID.test(id)) return null;
  const [row] = await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT set_config('app.asset_id', ${id}, true)`;
    return tx.$queryRaw<{ contentType: string; storageKey: string; sha256: string }[]>`
      SELECT "contentType", "storageKey", sha256 FROM assets WHERE id = ${id}`;
  });
  if (!row) return null;
  const blob = await blobStore().get(row.storageKey);
  if (!blob) return null;
  if (createHash("sha256").update(blob.bytes).digest("hex") !== row.sha256) {
    log.warn("asset bytes do not match their checksum; not served", { assetId: id });
    return null;
  }
  // The row's type, not the store's: the row is what validation wrote.
  return { contentType: row.contentType, bytes: blob.bytes, sha256: row.sha256 };
}

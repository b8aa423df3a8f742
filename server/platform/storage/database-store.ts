import type { Db, Tx } from "../db/client";
import { assertContentType, assertKey, type BlobStore } from "./blob-store";

/**
 * The default driver: objects in the `blobs` table (bytea). Nothing to set up, backed up
 * with the database; fine for small files such as logos. `blobs` is a global table (no
 * RLS): keys are platform-made and the tenancy is on the rows that name them (assets).
 */
export function databaseStore(db: Db | Tx): BlobStore {
  return {
    driver: "database",
    async put(key, bytes, contentType) {
      assertKey(key);
      assertContentType(contentType);
      const data = new Uint8Array(bytes);
      await db.blob.upsert({
        where: { key },
        create: { key, contentType, bytes: data },
        update: { contentType, bytes: data },
      });
    },
    async get(key) {
      assertKey(key);
      const row = await db.blob.findUnique({ where: { key } });
      return row ? { bytes: new Uint8Array(row.bytes), contentType: row.contentType } : null;
    },
    async delete(key) {
      assertKey(key);
      await db.blob.deleteMany({ where: { key } });
    },
  };
}

import { getDb } from "../db/client";
import { type Env, env } from "../env";
import type { BlobStore } from "./blob-store";
import { databaseStore } from "./database-store";
import { filesystemStore } from "./filesystem-store";
import { s3Store } from "./s3-store";

export type { BlobStore, StoredBlob } from "./blob-store";
export { databaseStore, filesystemStore, s3Store };

type StorageEnv = Pick<
  Env,
  | "STORAGE_DRIVER"
  | "STORAGE_DIR"
  | "S3_ENDPOINT"
  | "S3_BUCKET"
  | "S3_REGION"
  | "S3_ACCESS_KEY_ID"
  | "S3_SECRET_ACCESS_KEY"
>;

/** The store STORAGE_DRIVER names (env.ts has checked its settings). */
export function storeFromEnv(config: StorageEnv = env): BlobStore {
  switch (config.STORAGE_DRIVER) {
    case "filesystem":
      return filesystemStore(config.STORAGE_DIR);
    case "s3":
      return s3Store({
        endpoint: config.S3_ENDPOINT,
        bucket: config.S3_BUCKET,
        region: config.S3_REGION,
        accessKeyId: config.S3_ACCESS_KEY_ID,
        secretAccessKey: config.S3_SECRET_ACCESS_KEY,
      });
    default:
      return databaseStore(getDb());
  }
}

let current: BlobStore | undefined;

/** The process's blob store, made on first use. */
export function blobStore(): BlobStore {
  current ??= storeFromEnv();
  return current;
}

/** Replaces the process's blob store (tests run the same cases over every driver). */
export function setBlobStore(store: BlobStore | undefined) {
  current = store;
}

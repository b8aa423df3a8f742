import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { assertContentType, assertKey, type BlobStore } from "./blob-store";

/**
 * Objects as files under STORAGE_DIR. Each file is the content type, a newline, then the
 * bytes, so an object is one file and one atomic rename: a reader sees the old object or
 * the new one, never half of either.
 */
export function filesystemStore(dir: string): BlobStore {
  const root = path.resolve(dir);

  // The key's own check already refuses "..", absolute paths and odd characters; the
  // prefix check is the second lock, in case that pattern is ever loosened.
  function pathOf(key: string) {
    const file = path.resolve(root, ...assertKey(key).split("/"));
    if (!file.startsWith(root + path.sep)) throw new Error(`Storage key escapes the store: ${key}`);
    return file;
  }

  return {
    driver: "filesystem",
    async put(key, bytes, contentType) {
      const file = pathOf(key);
      const header = Buffer.from(`${assertContentType(contentType)}\n`, "latin1");
      await mkdir(path.dirname(file), { recursive: true });
      // The temp file sits beside the target (same filesystem: rename is atomic) and its
      // name cannot be a key (keys never start with '.').
      const temp = path.join(path.dirname(file), `.tmp-${randomBytes(8).toString("hex")}`);
      try {
        await writeFile(temp, Buffer.concat([header, bytes]), { flag: "wx", mode: 0o600 });
        await rename(temp, file);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
    },
    async get(key) {
      const file = pathOf(key);
      const data = await readFile(file).catch((e: NodeJS.ErrnoException) => {
        if (e.code === "ENOENT" || e.code === "EISDIR" || e.code === "ENOTDIR") return null;
        throw e;
      });
      if (!data) return null;
      const newline = data.indexOf(0x0a);
      if (newline < 0) throw new Error(`Corrupt stored object: ${key}`);
      return {
        contentType: data.subarray(0, newline).toString("latin1"),
        bytes: new Uint8Array(data.subarray(newline + 1)),
      };
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
  };
}

// Writes that readers never see half done: write a temp file next to the target, then
// rename over it (atomic on one filesystem). Used for keys, certificates and broker files.
import { randomBytes } from "node:crypto";
import { chmod, rename, rm, writeFile } from "node:fs/promises";

export async function writeFileAtomic(path: string, data: string | Buffer, mode = 0o644) {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeFile(tmp, data, { mode });
    await chmod(tmp, mode); // the umask may have narrowed it
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

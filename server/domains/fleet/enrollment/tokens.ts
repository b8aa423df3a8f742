import { createHash, randomBytes } from "node:crypto";

/** Enrollment tokens and poll secrets: shown once, stored as SHA-256. */
export function newSecret(prefix: string) {
  const token = `${prefix}_${randomBytes(24).toString("base64url")}`;
  return { token, hash: hashSecret(token) };
}

export const hashSecret = (token: string) => createHash("sha256").update(token).digest("hex");

// Seals secrets at rest (org CA keys and the platform CA key under FLEET_MASTER_KEY, webhook
// signing secrets under WEBHOOK_SECRET_KEY) with AES-256-GCM. Format: `v1.<iv>.<tag>.<ciphertext>`, each part base64url; a fresh random
// 12-byte IV per seal, so sealing the same secret twice gives different strings.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/** A key or sealed value that is not what it must be; never carries the secret. */
export class SealError extends Error {
  override name = "SealError";
}

const VERSION = "v1";
const PART = /^[A-Za-z0-9_-]*$/;

function masterKey(keyHex: string): Buffer {
  if (!/^[0-9a-fA-F]{64}$/.test(keyHex))
    throw new SealError("master key must be 64 hex characters (32 bytes)");
  return Buffer.from(keyHex, "hex");
}

export function seal(plaintext: Buffer | string, masterKeyHex: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", masterKey(masterKeyHex), iv);
  const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), data]
    .map((p) => (typeof p === "string" ? p : p.toString("base64url")))
    .join(".");
}

export function unseal(sealed: string, masterKeyHex: string): Buffer {
  const key = masterKey(masterKeyHex);
  const parts = sealed.trim().split(".");
  if (parts.length !== 4 || parts[0] !== VERSION || !parts.slice(1).every((p) => PART.test(p)))
    throw new SealError("sealed value is malformed: expected v1.<iv>.<tag>.<ciphertext>");
  const [iv, tag, data] = parts.slice(1).map((p) => Buffer.from(p, "base64url")) as [
    Buffer,
    Buffer,
    Buffer,
  ];
  if (iv.length !== 12 || tag.length !== 16)
    throw new SealError("sealed value is malformed: bad IV or tag length");
  const decipher = createDecipheriv("aes-256-gcm", key, iv);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(data), decipher.final()]);
  } catch {
    // GCM cannot tell a wrong key from altered data: both fail the tag check.
    throw new SealError("cannot unseal: wrong master key, or the sealed value was tampered with");
  }
}

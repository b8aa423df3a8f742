import { createHash, randomBytes } from "node:crypto";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const PREFIX_CHARS = 8;
/** 40 base62 characters: 238 bits of randomness (the prefix adds 47 more, but is shown). */
const SECRET_CHARS = 40;

/** `pat_<prefix>_<secret>`: what authenticate() accepts, and nothing else. */
export const API_KEY_TOKEN = new RegExp(
  `^pat_[0-9A-Za-z]{${PREFIX_CHARS}}_[0-9A-Za-z]{${SECRET_CHARS}}$`,
);

/** Uniform base62 from crypto.randomBytes: bytes ≥ 248 are dropped, so `% 62` has no bias. */
function base62(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

export const hashApiKeyToken = (token: string) => createHash("sha256").update(token).digest("hex");

/**
 * A new token, shown once: `pat_` + 8 characters (the prefix, stored and shown in lists so
 * people can tell keys apart) + `_` + the secret. Only the SHA-256 of the whole token is
 * stored, and it is the only way a key is found.
 */
export function newApiKeyToken() {
  const prefix = `pat_${base62(PREFIX_CHARS)}`;
  const token = `${prefix}_${base62(SECRET_CHARS)}`;
  return { prefix, token, secretHash: hashApiKeyToken(token) };
}

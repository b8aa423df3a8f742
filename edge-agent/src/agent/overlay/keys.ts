// The device's tunnel key: X25519, made on the device at first start and kept in the
// state dir in WireGuard's own format (32 raw bytes, base64, mode 0600), so `wg set
// private-key <file>` reads it as is. Only the public key ever leaves this module in a
// message; neither key is logged.
import { createPrivateKey, createPublicKey, randomBytes } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../fs-atomic";

export const KEY_FILE = "overlay.key";

export interface TunnelKey {
  /** Base64 of the public key: what peers put in their `peer` line. */
  publicKey: string;
  /** The private key file, for `wg set … private-key <path>`. */
  path: string;
}

// PKCS#8 prefix of an X25519 private key (RFC 8410): the 32 raw bytes follow.
const PKCS8_X25519 = Buffer.from("302e020100300506032b656e04220420", "hex");
const WG_KEY = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw480]=$/;

/** A fresh private key, clamped the way WireGuard clamps (`wg genkey` does the same). */
export function generatePrivateKey(): string {
  const k = randomBytes(32);
  k[0]! &= 248;
  k[31]! &= 127;
  k[31]! |= 64;
  return k.toString("base64");
}

/** The public key of a base64 private key (what `wg pubkey` prints). */
export function publicKeyOf(privateKey: string): string {
  const raw = Buffer.from(privateKey, "base64");
  if (!WG_KEY.test(privateKey) || raw.length !== 32)
    throw new Error("not a WireGuard private key (32 bytes, base64)");
  const key = createPrivateKey({
    key: Buffer.concat([PKCS8_X25519, raw]),
    format: "der",
    type: "pkcs8",
  });
  const jwk = createPublicKey(key).export({ format: "jwk" });
  return Buffer.from(jwk.x as string, "base64url").toString("base64");
}

/** Reads the key from `dir`, making it on first use. A damaged file is an error, never
 * silently replaced: a new key would cut every tunnel until peers learn it. */
export async function loadOrCreateKey(dir: string): Promise<TunnelKey> {
  const path = join(dir, KEY_FILE);
  let text: string | null = null;
  try {
    text = (await readFile(path, "utf8")).trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  if (text === null) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    text = generatePrivateKey();
    await writeFileAtomic(path, `${text}\n`, 0o600);
  }
  if (!WG_KEY.test(text))
    throw new Error(`${path} is not a WireGuard private key; remove it to make a new one`);
  return { publicKey: publicKeyOf(text), path };
}

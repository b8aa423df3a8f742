// Signed embed tokens: base64url(JSON payload) "." base64url(HMAC-SHA256(payload)). The key
// is derived from AUTH_SECRET with HKDF for this one purpose, so it signs nothing else and
// no other key signs these. A token names its org, scope, expiry and the org's key version:
// rotating the org's key (bumping the version) revokes every token issued before.
import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { zText } from "../../../../protocol/text";
import { env } from "../../../platform/env";
import { ZEmbedScope } from "../schemas";

export const MAX_EMBED_MINUTES = 7 * 24 * 60;

const ZPayload = z.strictObject({
  o: zText().min(1).max(64),
  s: ZEmbedScope,
  e: z.number().int().positive(),
  v: z.number().int().positive(),
});

export interface EmbedClaims {
  orgId: string;
  scope: z.infer<typeof ZEmbedScope>;
  /** Expiry, seconds since the epoch. */
  exp: number;
  keyVersion: number;
}

let key: { secret: string; bytes: Buffer } | undefined;

function embedKey(): Buffer {
  if (key?.secret !== env.AUTH_SECRET) {
    const bytes = Buffer.from(
      hkdfSync("sha256", env.AUTH_SECRET, "patronus", "embed-token-v1", 32),
    );
    key = { secret: env.AUTH_SECRET, bytes };
  }
  return key.bytes;
}

const mac = (body: string) => createHmac("sha256", embedKey()).update(body).digest();

export function signEmbedToken(claims: EmbedClaims): string {
  const payload = { o: claims.orgId, s: claims.scope, e: claims.exp, v: claims.keyVersion };
  const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
  return `${body}.${mac(body).toString("base64url")}`;
}

/**
 * The claims of a token whose signature is right and which has not expired, or why not.
 * The key version is the caller's to compare with the org's current one.
 */
export function readEmbedToken(
  token: string,
  now = Date.now(),
): { claims: EmbedClaims; problem?: undefined } | { problem: string } {
  const invalid = { problem: "This embed link is not valid (it was changed or cut short)" };
  if (token.length > 1024) return invalid;
  const [body, signature, extra] = token.split(".");
  if (!body || !signature || extra !== undefined) return invalid;
  const given = Buffer.from(signature, "base64url");
  const expected = mac(body);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return invalid;
  let parsed: z.infer<typeof ZPayload>;
  try {
    parsed = ZPayload.parse(JSON.parse(Buffer.from(body, "base64url").toString("utf8")));
  } catch {
    return invalid;
  }
  if (parsed.e * 1000 <= now) return { problem: "This embed link has expired" };
  return { claims: { orgId: parsed.o, scope: parsed.s, exp: parsed.e, keyVersion: parsed.v } };
}

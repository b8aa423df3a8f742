import { isIP } from "node:net";
import type { Db } from "../../../../platform/db/client";
import { withScope } from "../../../../platform/db/with-tenant";
import { AppError } from "../../../../platform/errors";
import { inCidrs } from "../../../../platform/http/cidr";
import { log } from "../../../../platform/log/logger";
import { API_KEY_TOKEN, hashApiKeyToken } from "./token";

/** Who a valid token speaks for: an API key principal is built from this. */
export interface ApiKeyIdentity {
  id: string;
  orgId: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdById: string;
}

export type ApiKeyRefusal = "malformed" | "unknown" | "revoked" | "expired" | "address";

/** How long a key's lastUsedAt may lag: a busy key writes its row once a minute, not per call. */
export const LAST_USED_EVERY_MS = 60_000;

const MESSAGES: Record<ApiKeyRefusal, string> = {
  malformed: "The API key is malformed: expected pat_<8 characters>_<secret>",
  unknown: "The API key is not valid",
  revoked: "The API key was revoked",
  expired: "The API key has expired",
  address: "The API key is not allowed from this address",
};

/** An UNAUTHORIZED error; `details.reason` says which check failed, for logs and tests. */
const refused = (reason: ApiKeyRefusal) =>
  new AppError("UNAUTHORIZED", MESSAGES[reason], { reason });

/**
 * The key behind `token`, used from `ip`, or UNAUTHORIZED. The key is found only by the
 * SHA-256 of the whole token (a unique index; RLS shows that one row to whoever holds the
 * token), never by its prefix, so no comparison of secrets happens in this process. The
 * answers say what is wrong without telling anything to someone who lacks the token:
 * revoked, expired and the address are named only to the token's holder.
 */
export async function authenticateApiKey(
  db: Db,
  token: string,
  ip: string,
): Promise<ApiKeyIdentity> {
  if (!API_KEY_TOKEN.test(token)) throw refused("malformed");
  const secretHash = hashApiKeyToken(token);
  const key = await withScope(db, { apiKeyHash: secretHash }, (tx) =>
    tx.apiKey.findUnique({
      where: { secretHash },
      select: {
        id: true,
        orgId: true,
        name: true,
        prefix: true,
        scopes: true,
        createdById: true,
        allowedCidrs: true,
        expiresAt: true,
        revokedAt: true,
        lastUsedAt: true,
      },
    }),
  );
  if (!key) throw refused("unknown");
  if (key.revokedAt) throw refused("revoked");
  const now = new Date();
  if (key.expiresAt && key.expiresAt <= now) throw refused("expired");
  if (key.allowedCidrs.length > 0 && !inCidrs(key.allowedCidrs, ip)) throw refused("address");
  if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() >= LAST_USED_EVERY_MS)
    await touchLastUsed(db, key, ip, now);
  const { allowedCidrs, expiresAt, revokedAt, lastUsedAt, ...identity } = key;
  return identity;
}

/**
 * Records the use in its own short transaction, conditionally, so concurrent requests on
 * several replicas write at most one row a minute. Best effort: a failure here is logged
 * and never refuses a request the key is valid for.
 */
async function touchLastUsed(db: Db, key: { id: string; orgId: string }, ip: string, now: Date) {
  try {
    await withScope(db, { orgId: key.orgId }, (tx) =>
      tx.apiKey.updateMany({
        where: {
          id: key.id,
          orgId: key.orgId,
          OR: [
            { lastUsedAt: null },
            { lastUsedAt: { lte: new Date(now.getTime() - LAST_USED_EVERY_MS) } },
          ],
        },
        data: { lastUsedAt: now, lastUsedIp: isIP(ip) ? ip : null },
      }),
    );
  } catch (error) {
    log.warn("api key: lastUsedAt not recorded", { apiKeyId: key.id, error });
  }
}

import { hitRateLimit } from "../http/rate-limit";
import { getRedis, redisKey } from "../redis";

/** Mails of one kind to one address, and from one client, per window (docs/security.md). */
export const MAIL_LIMITS = { perAddress: 3, perClient: 30, windowSeconds: 15 * 60 };

/**
 * Whether a mail of `kind` (reset, verification, invitation) may go to `to` at the request
 * of client `ip`: a few per address and per client in a window, so the portal cannot be
 * used to flood a mailbox. Counts the attempt either way.
 */
export async function mayMail(kind: string, to: string, ip: string): Promise<boolean> {
  const redis = getRedis();
  const { perAddress, perClient, windowSeconds } = MAIL_LIMITS;
  const checks = [
    hitRateLimit(redis, redisKey("mail", kind, "to", to.toLowerCase()), perAddress, windowSeconds),
  ];
  // An unknown address would put every such client in one bucket: one sender could then
  // use up everybody's mails.
  if (ip !== "unknown")
    checks.push(hitRateLimit(redis, redisKey("mail", kind, "ip", ip), perClient, windowSeconds));
  return (await Promise.all(checks)).every((r) => r.allowed);
}

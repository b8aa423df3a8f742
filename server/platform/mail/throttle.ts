import { hitRateLimit } from "../http/rate-limit";
import { getRedis, redisKey } from "../redis";

/**
 * Mails of one kind per window (docs/security.md): to one address at one client's request,
 * to one address from anywhere (so the few a stranger can trigger never use up the
 * owner's own), and from one client to anyone.
 */
export const MAIL_LIMITS = {
  perAddressAndClient: 3,
  perAddress: 10,
  perClient: 30,
  windowSeconds: 15 * 60,
};

/**
 * The mailbox an address delivers to, for counting: lower case, without a `+tag`, and for
 * Gmail without dots (they all reach one inbox), so variants share one budget.
 */
export function mailboxOf(address: string): string {
  const at = address.lastIndexOf("@");
  if (at < 0) return address.trim().toLowerCase();
  let local = address.slice(0, at).trim().toLowerCase();
  let domain = address
    .slice(at + 1)
    .trim()
    .toLowerCase();
  local = local.split("+")[0] as string;
  if (domain === "googlemail.com") domain = "gmail.com";
  if (domain === "gmail.com") local = local.replaceAll(".", "");
  return `${local}@${domain}`;
}

/**
 * Whether a mail of `kind` (reset, verification, invitation) may go to `to` at the request
 * of client `ip`: a few per address and per client in a window, so the portal cannot be
 * used to flood a mailbox. Counts the attempt either way.
 */
export async function mayMail(kind: string, to: string, ip: string): Promise<boolean> {
  return (await mailWait(kind, to, ip)) === 0;
}

/**
 * mayMail, telling how long to wait: 0 when the mail may go, else the seconds until the
 * limit that refused it lets one through again. Counts the attempt either way.
 */
export async function mailWait(kind: string, to: string, ip: string): Promise<number> {
  const redis = getRedis();
  const { perAddressAndClient, perAddress, perClient, windowSeconds } = MAIL_LIMITS;
  const address = mailboxOf(to);
  const key = (...parts: string[]) => redisKey("mail", kind, ...parts);
  const checks = [hitRateLimit(redis, key("to", address), perAddress, windowSeconds)];
  // An unknown address would put every such client in one bucket: one sender could then
  // use up everybody's mails. Without one, only the per-address ceiling applies.
  if (ip !== "unknown")
    checks.push(
      hitRateLimit(redis, key("to", address, "ip", ip), perAddressAndClient, windowSeconds),
      hitRateLimit(redis, key("ip", ip), perClient, windowSeconds),
    );
  const refused = (await Promise.all(checks)).filter((r) => !r.allowed);
  return refused.length ? Math.max(...refused.map((r) => r.retryAfterSeconds)) : 0;
}

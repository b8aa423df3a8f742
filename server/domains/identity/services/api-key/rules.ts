// What a new key may be given, checked in the service so that every interface (tRPC, REST,
// tests) gets the same answers: each refusal names the field or the scope at fault.
import { allPermissions, type Permission, scopesOf } from "../../../../permissions";
import type { Role } from "../../../../platform/db/generated/enums";
import { AppError } from "../../../../platform/errors";
import { parseCidr } from "../../../../platform/http/cidr";
import type { Principal } from "../../../../platform/tenancy/principal";

export const MAX_ALLOWED_CIDRS = 20;
export const MAX_EXPIRY_DAYS = 730;
const DAY_MS = 86_400_000;

const badField = (field: string, message: string) =>
  new AppError("BAD_REQUEST", `${field}: ${message}`, { [field]: message });

/**
 * The scopes, deduplicated, in the permission map's order. Unknown names are a 400; a
 * scope the creator does not hold is a 403 naming it: a key never gets more than the
 * person who makes it.
 */
export function grantedScopes(actor: Principal, role: Role, asked: readonly string[]) {
  const known = new Set<string>(allPermissions());
  const unknown = asked.find((s) => !known.has(s));
  if (unknown) throw badField("scopes", `"${unknown}" is not a permission`);
  if (asked.length === 0) throw badField("scopes", "Choose at least one scope");
  const held = scopesOf(actor, role);
  const missing = asked.find((s) => !held.has(s as Permission));
  if (missing) {
    const message = `You cannot grant ${missing}: a key gets at most the permissions of the person who creates it`;
    throw new AppError("FORBIDDEN", message, { scopes: message });
  }
  return allPermissions().filter((p) => asked.includes(p));
}

/** When the key expires: a date within two years, a number of days, or never (null). */
export function expiryOf(
  input: { expiresAt?: Date | null; expiresInDays?: number | null },
  now = Date.now(),
): Date | null {
  if (input.expiresAt && input.expiresInDays)
    throw badField("expiresAt", "Give an expiry date or a number of days, not both");
  if (input.expiresInDays != null) {
    const days = input.expiresInDays;
    if (!Number.isInteger(days) || days < 1 || days > MAX_EXPIRY_DAYS)
      throw badField("expiresInDays", `Between 1 and ${MAX_EXPIRY_DAYS} days`);
    return new Date(now + days * DAY_MS);
  }
  if (!input.expiresAt) return null;
  const at = input.expiresAt.getTime();
  if (!Number.isFinite(at) || at <= now) throw badField("expiresAt", "Must be in the future");
  if (at > now + MAX_EXPIRY_DAYS * DAY_MS)
    throw badField("expiresAt", `At most ${MAX_EXPIRY_DAYS} days from now`);
  return input.expiresAt;
}

/** The allowed sources in canonical form, deduplicated; empty means any address. */
export function allowedCidrsOf(input: readonly string[] = []): string[] {
  if (input.length > MAX_ALLOWED_CIDRS)
    throw badField("allowedCidrs", `At most ${MAX_ALLOWED_CIDRS} addresses or CIDRs`);
  const out: string[] = [];
  for (const [i, text] of input.entries()) {
    const cidr = parseCidr(text);
    if (!cidr)
      throw badField(
        `allowedCidrs.${i}`,
        `"${text.slice(0, 64)}" is not an IPv4 or IPv6 address or CIDR (such as 203.0.113.0/24)`,
      );
    if (!out.includes(cidr.text)) out.push(cidr.text);
  }
  return out;
}

// Where to go after sign-in or sign-up: only a path of this site (no open redirect).

/** Backslashes (browsers read them as slashes) and control characters (they strip them). */
const tricky = (s: string) =>
  [...s].some((c) => c === "\\" || c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
/** Any origin will do: a path that resolves to another one is not a path of this site. */
const HOME = "https://patronus.invalid";

/**
 * `next` when it is a path of this site, else `fallback`. The path is resolved the way a
 * browser would (dot segments, encodings) and must stay on the site and not become
 * protocol-relative (`//host`); backslashes and control characters are refused, raw or
 * percent-encoded.
 */
export function safeNext(next: string | null | undefined, fallback = "/orgs") {
  if (!next?.startsWith("/") || next.length > 2048) return fallback;
  let decoded: string;
  try {
    decoded = decodeURIComponent(next);
  } catch {
    return fallback;
  }
  if (tricky(next) || tricky(decoded) || decoded.startsWith("//")) return fallback;
  const url = new URL(next, HOME);
  if (url.origin !== HOME || url.pathname.startsWith("//")) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** `path` carrying `next` on when it is a path of this site (sign-in ↔ sign-up links). */
export function withNext(path: string, next: string | null | undefined) {
  const safe = safeNext(next, "");
  return safe ? `${path}?next=${encodeURIComponent(safe)}` : path;
}

/** The verification page, ready to resend a link to `email` that returns to `next`. */
export function verifyEmailHref(email: string, next: string) {
  const params = new URLSearchParams({ next });
  if (email) params.set("email", email);
  return `/verify-email?${params}`;
}

/** Only same-site paths are followed after sign-in or sign-up (no open redirects). */
export function safeNext(next: string | null | undefined, fallback = "/orgs") {
  return next?.startsWith("/") && !next.startsWith("//") ? next : fallback;
}

// The page a request asked for, handed by proxy.ts to server components: a sign-in
// redirect carries it as `next` (app/_trpc/server.ts), so the user comes back to it.

export const PATH_HEADER = "x-patronus-path";

/** Path and query as the user sees them: without Next's own `_rsc` cache-buster. */
export function requestedPath(url: URL): string {
  const params = new URLSearchParams(url.search);
  params.delete("_rsc");
  const query = params.toString();
  return `${url.pathname}${query ? `?${query}` : ""}`;
}

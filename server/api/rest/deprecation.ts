// Deprecated routes of v1 (docs/api.md, "Stability policy"): the document marks them
// `deprecated`, and their answers carry `Deprecation` (RFC 9745: since when) and `Sunset`
// (RFC 8594: when it stops being served). A route is deprecated where it is declared:
// `rest("GET /orgs/{orgSlug}/old", 200, { since: "2027-01-01", sunset: "2027-07-01" })`.

export interface Deprecation {
  /** The day it was deprecated (YYYY-MM-DD, UTC). */
  since: string;
  /** The day it stops being served; at least 6 months after `since`. */
  sunset: string;
}

const routes: { method: string; pattern: RegExp; headers: Record<string, string> }[] = [];

const day = (text: string) => {
  const at = new Date(`${text}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(at.getTime()))
    throw new Error(`a deprecation date is YYYY-MM-DD, not "${text}"`);
  return at;
};

/** Records `route` ("GET /orgs/{orgSlug}/old") as deprecated. */
export function deprecate(route: string, d: Deprecation) {
  const [method = "", path = ""] = route.split(" ");
  const pattern = new RegExp(
    `^/api/v1${path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\?\{[^}]+\\?\}|\{[^}]+\}/g, "[^/]+")}$`,
  );
  routes.push({
    method,
    pattern,
    headers: {
      deprecation: `@${Math.floor(day(d.since).getTime() / 1000)}`,
      sunset: day(d.sunset).toUTCString(),
    },
  });
}

/** The headers of an answer to `method` `pathname` when its route is deprecated. */
export function deprecationHeaders(method: string, pathname: string): Record<string, string> {
  return routes.find((r) => r.method === method && r.pattern.test(pathname))?.headers ?? {};
}

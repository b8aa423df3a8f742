// GET /api/v1/orgs/{org}/metrics: the org's time series for its own Prometheus, in the text
// exposition format (docs/observability.md, "Tenant time series"). Authenticated like the
// rest of /api/v1 (bearer = an API key of the org, or of its MSP, with `series.read`;
// counted against the key's rate limits) and answered by the series.exposition procedure,
// so tenancy and scopes are the ladder's: another org is 404, a key without the scope 403.
// Its own route rather than oRPC's, which answers JSON.
import { defineRoute, HttpError } from "../../platform/http/route";
import { createCaller } from "../root";
import { restError } from "./errors";
import { restCallOf } from "./handler";

/** What Prometheus asks for and gets: text format 0.0.4. */
export const EXPOSITION_TYPE = "text/plain; version=0.0.4; charset=utf-8";

const PATH = /^\/api\/v1\/orgs\/([^/]{1,200})\/metrics\/?$/;

export const orgMetricsHandler = defineRoute({
  name: "rest.metrics",
  maxBodyBytes: 0,
  async handle({ request, requestId }) {
    if (request.method !== "GET" && request.method !== "HEAD")
      throw new HttpError(405, "METHOD_NOT_ALLOWED", "Scrape with GET");
    const slug = PATH.exec(new URL(request.url).pathname)?.[1];
    if (!slug) throw new HttpError(404, "NOT_FOUND", "No such organization");
    const called = await restCallOf(request, requestId);
    if (called instanceof Response) return called;
    const text = await createCaller(called.context)
      .series.exposition({ orgSlug: decodeURIComponent(slug) })
      .catch((error: unknown) => {
        throw restError(error);
      });
    return new Response(request.method === "HEAD" ? null : text, {
      headers: {
        ...called.limitHeaders,
        "content-type": EXPOSITION_TYPE,
        "cache-control": "no-store",
      },
    });
  },
});

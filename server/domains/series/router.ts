import { zText } from "../../../protocol/text";
import { orgInput } from "../../api/inputs";
import { replicaProcedure, rest, router } from "../../api/trpc";
import { ZSeriesQuery, ZSeriesResult, ZSeriesTopQuery, ZSeriesTopResult } from "./schemas";
import { orgMetricsText } from "./services/prometheus";
import { readSeries } from "./services/read-series";
import { readTop } from "./services/top-series";

export const seriesRouters = {
  series: router({
    /** One metric of a site, device, path or class over a window (docs/observability.md). */
    query: replicaProcedure("series.read", rest("GET /orgs/{orgSlug}/series"))
      .input(ZSeriesQuery)
      .output(ZSeriesResult)
      .query(({ ctx, input: { orgSlug: _, ...query } }) =>
        readSeries(ctx.tx, ctx.tenant.orgId, query),
      ),
    /** The sites, devices or classes with the most traffic in a window ("top talkers"). */
    top: replicaProcedure("series.read", rest("GET /orgs/{orgSlug}/series/top"))
      .input(ZSeriesTopQuery)
      .output(ZSeriesTopResult)
      .query(({ ctx, input: { orgSlug: _, ...query } }) =>
        readTop(ctx.tx, ctx.tenant.orgId, query),
      ),
    /**
     * The org's latest values in Prometheus' text format. Served as text/plain at
     * GET /api/v1/orgs/{org}/metrics (server/api/rest/org-metrics.ts), not through oRPC's JSON.
     */
    exposition: replicaProcedure("series.read")
      .input(orgInput({}))
      .output(zText())
      .query(({ ctx }) => orgMetricsText(ctx.tx, ctx.tenant.orgId)),
  }),
};

// What the portal draws of the overlay: topology, a site's paths, a path's measurements
// and the incident timeline. Views, not resources: only the timeline is a list (paged).
import { z } from "zod";
import { zText } from "../../../../protocol/text";
import { newestFirst, orgInput, ZId } from "../../../api/inputs";
import { restTag } from "../../../api/rest-tag";
import { permissionProcedure } from "../../../api/trpc";
import { page, pageInput } from "../../../platform/pagination";
import { ZIncidentView, ZPathSeriesView, ZSitePathsView, ZTopologyView } from "../services/outputs";
import { listIncidents, pathSeries, sitePaths, topology } from "../services/read";

/** A path id: two link ids joined by "~". */
const ZPathId = zText().min(3).max(130);
const route = restTag("Overlay views");

/** Procedures of the `overlay` router itself (server/domains/overlay/router.ts). */
export const views = {
  topology: permissionProcedure("site.read", route("GET /orgs/{orgSlug}/topology"))
    .input(orgInput({}))
    .output(ZTopologyView)
    .query(({ ctx }) => topology(ctx.tx, ctx.tenant.orgId)),

  sitePaths: permissionProcedure("site.read", route("GET /orgs/{orgSlug}/sites/{siteId}/paths"))
    .input(orgInput({ siteId: ZId }))
    .output(ZSitePathsView)
    .query(({ ctx, input }) => sitePaths(ctx.tx, ctx.tenant.orgId, input.siteId)),

  pathSeries: permissionProcedure(
    "site.read",
    route("GET /orgs/{orgSlug}/sites/{siteId}/paths/{pathId}/series"),
  )
    .input(
      orgInput({
        siteId: ZId,
        pathId: ZPathId,
        /** The window, back from now. */
        minutes: z.coerce.number().int().min(1).max(1440).default(15),
      }),
    )
    .output(ZPathSeriesView)
    .query(({ ctx, input }) =>
      pathSeries(ctx.tx, ctx.tenant.orgId, input.siteId, input.pathId, input.minutes),
    ),

  incidents: permissionProcedure("site.read", route("GET /orgs/{orgSlug}/path-events"))
    .input(
      orgInput({
        ...pageInput(["at"]),
        ...newestFirst,
        siteId: ZId.optional(),
        /** failover | failback | initial | path_down | path_up | sla_violation | sla_ok */
        kind: zText().max(32).optional(),
      }),
    )
    .output(page(ZIncidentView))
    .query(({ ctx, input }) => listIncidents(ctx.tx, ctx.tenant.orgId, input)),
};

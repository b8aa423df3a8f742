import { z } from "zod";
import { zText } from "../../../protocol/text";
import { orgInput } from "../../api/inputs";
import { permissionProcedure, replicaProcedure, rest, router } from "../../api/trpc";
import { effectiveBrandIn } from "../branding";
import { ZReportQuery, ZSchedule, ZScheduleView, ZSlaReport } from "./schemas";
import { logoDataUrl, reportHtml } from "./services/report-html";
import { getSchedule, setSchedule } from "./services/schedule";
import { slaReport } from "./services/sla-report";

export const reportsRouters = {
  report: router({
    /** The SLA report of a UTC month or a from/to period, per site (docs/reports.md). */
    sla: replicaProcedure("report.read", rest("GET /orgs/{orgSlug}/reports/sla"))
      .input(ZReportQuery)
      .output(ZSlaReport)
      .query(({ ctx, input: { orgSlug: _, ...query } }) =>
        slaReport(ctx.tx, ctx.tenant.orgId, query),
      ),
    /**
     * The report as a self-contained page in the org's brand, which the portal's
     * /o/{slug}/reports/sla.pdf prints with Chromium outside the transaction. Not in REST.
     */
    document: replicaProcedure("report.read")
      .input(ZReportQuery)
      .output(z.object({ report: ZSlaReport, html: zText() }))
      .query(async ({ ctx, input: { orgSlug: _, ...query } }) => {
        const report = await slaReport(ctx.tx, ctx.tenant.orgId, query);
        const brand = await effectiveBrandIn(ctx.tx, ctx.tenant.orgId);
        return { report, html: reportHtml(report, brand, await logoDataUrl(brand)) };
      }),
    schedule: permissionProcedure("report.read", rest("GET /orgs/{orgSlug}/reports/schedule"))
      .input(orgInput({}))
      .output(ZScheduleView)
      .query(({ ctx }) => getSchedule(ctx.tx, ctx.tenant.orgId)),
    setSchedule: permissionProcedure("report.write", rest("PUT /orgs/{orgSlug}/reports/schedule"))
      .input(orgInput(ZSchedule.shape))
      .output(ZScheduleView)
      .mutation(({ ctx, input: { orgSlug: _, ...schedule } }) =>
        setSchedule(ctx.tx, ctx.principal, ctx.tenant.orgId, schedule),
      ),
  }),
};

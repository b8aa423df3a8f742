// GET /o/{slug}/reports/sla.csv?month=YYYY-MM[&siteId=] (or from/to): the report as CSV.
import type { NextRequest } from "next/server";
import { download, monthOf } from "../download";
import { slaCsv } from "../sla-csv";

export function GET(request: NextRequest, { params }: { params: Promise<{ slug: string }> }) {
  return download(request, params, "csv", async (caller, input) => {
    const report = await caller.report.sla(input);
    return {
      body: slaCsv(report),
      type: "text/csv; charset=utf-8",
      month: monthOf(report.period),
    };
  });
}

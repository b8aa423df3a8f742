// GET /o/{slug}/reports/sla.pdf?month=YYYY-MM[&siteId=] (or from/to): the report printed by
// Chromium in the org's brand (the page is made in the transaction, printed after it).
import type { NextRequest } from "next/server";
import { printPdf } from "@/server/api/handlers";
import { download, monthOf } from "../download";

export function GET(request: NextRequest, { params }: { params: Promise<{ slug: string }> }) {
  return download(request, params, "pdf", async (caller, input) => {
    const { report, html } = await caller.report.document(input);
    return {
      body: Buffer.from(await printPdf(html)),
      type: "application/pdf",
      month: monthOf(report.period),
    };
  });
}

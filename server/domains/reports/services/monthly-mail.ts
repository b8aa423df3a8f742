// The monthly mail (docs/reports.md, "Schedule"): on the 1st (and until it is sent), each
// org whose schedule is on gets the previous UTC month's report, as a summary and a link.
// Idempotent per org and month: the report_deliveries row is written in the transaction that
// queues the mail, under a unique key, so a second sweep (another replica, a retry) sends
// nothing. Orgs whose schedule was turned on after the month ended are skipped.
import type { Db, Tx } from "../../../platform/db/client";
import { withScope } from "../../../platform/db/with-tenant";
import { env } from "../../../platform/env";
import { log } from "../../../platform/log/logger";
import { queueMail } from "../../../platform/mail/queue-mail";
import { headerSafeName } from "../../../platform/mail/sender";
import { type EffectiveBrand, effectiveBrandIn } from "../../branding";
import type { SlaReport } from "../schemas";
import { monthPeriod, previousMonth } from "./period";
import { periodLabel } from "./report-html";
import { slaReport } from "./sla-report";

const rlog = log.child({ component: "reports" });
const f = (x: number | null, unit: string) => (x == null ? "no data" : `${x.toFixed(2)}${unit}`);

/** The mail's text: the summary, each site's line, and where the full report is. */
export function reportMailText(report: SlaReport, brand: EffectiveBrand, url: string) {
  const s = report.summary;
  const lines = [
    `${brand.productName} SLA report for ${report.org.name}, ${periodLabel(report.period)}`,
    "",
    `Availability: ${f(s.availabilityPct, " %")}`,
    `Within SLA targets: ${f(s.compliancePct, " %")}`,
    `Incidents: ${s.incidents} (${s.incidentMinutes.toFixed(0)} min)`,
    "",
    ...report.sites.map(
      (x) => `- ${x.name}: availability ${f(x.availabilityPct, " %")}, ${x.incidents} incident(s)`,
    ),
    ...report.classes
      .filter((c) => c.compliancePct !== null)
      .map((c) => `- SLA class ${c.name}: ${f(c.compliancePct, " %")} within target`),
    "",
    `The full report (PDF and CSV): ${url}`,
  ];
  return lines.join("\n");
}

/** Makes and queues `orgId`'s report of `month` unless it was sent; true when it queued it. */
export async function sendMonthlyReport(tx: Tx, orgId: string, month: string, now: Date) {
  const schedule = await tx.reportSchedule.findUnique({ where: { orgId } });
  const { to } = monthPeriod(month);
  if (!schedule?.enabled || schedule.recipients.length === 0) return false;
  if (!schedule.enabledSince || schedule.enabledSince > to) return false;
  const claimed = await tx.$executeRaw`
    INSERT INTO report_deliveries (id, "orgId", month, recipients)
    VALUES (${`rpt_${orgId}_${month}`}, ${orgId}, ${month}, ${schedule.recipients.length})
    ON CONFLICT ("orgId", month) DO NOTHING`;
  if (claimed === 0) return false;
  const report = await slaReport(tx, orgId, { month }, now);
  const brand = await effectiveBrandIn(tx, orgId);
  const url = `${env.APP_URL.replace(/\/$/, "")}/o/${report.org.slug}/reports?month=${month}`;
  const text = reportMailText(report, brand, url);
  const subject = `${brand.productName} SLA report: ${report.org.name}, ${periodLabel(report.period)}`;
  const fromName = brand.emailSenderName ? headerSafeName(brand.emailSenderName) || null : null;
  for (const to of schedule.recipients)
    await queueMail(tx, { to, subject, text, kind: "sla-report", fromName });
  return true;
}

/** The sweep: every org whose schedule is on, for the month before `now`. */
export async function sweepMonthlyReports(db: Db, now = new Date()) {
  const month = previousMonth(now);
  const orgs = await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT set_config('app.report_dispatcher', 'on', true)`;
    return tx.$queryRaw<{ orgId: string }[]>`
      SELECT "orgId" FROM report_schedules WHERE enabled ORDER BY "orgId"`;
  });
  let sent = 0;
  for (const { orgId } of orgs) {
    try {
      if (await withScope(db, { orgId }, (tx) => sendMonthlyReport(tx, orgId, month, now))) sent++;
    } catch (error) {
      rlog.error("monthly report not sent; the next sweep tries again", { orgId, month, error });
    }
  }
  return sent;
}

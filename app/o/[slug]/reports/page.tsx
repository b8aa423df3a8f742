import { Forbidden } from "@/app/_components/forbidden";
import { PageHeader } from "@/app/_components/ui";
import { getOrg, hasPermission } from "../org-context";
import { ReportView } from "./report-view";
import { ScheduleForm } from "./schedule-form";

export const metadata = { title: "SLA reports" };

const MONTH = /^\d{4}-\d{2}$/;

export default async function ReportsPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<{ month?: string }>;
}) {
  const org = await getOrg((await params).slug);
  if (!hasPermission(org, "report.read")) return <Forbidden what="SLA reports" />;
  const asked = (await searchParams).month;
  // The last whole UTC month unless the link names one (the monthly mail's link does).
  const now = new Date();
  const last = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  const month = asked && MONTH.test(asked) ? asked : last.toISOString().slice(0, 7);
  return (
    <>
      <PageHeader title="SLA reports" />
      <ReportView orgSlug={org.slug} initialMonth={month} />
      <ScheduleForm orgSlug={org.slug} canEdit={hasPermission(org, "report.write")} />
    </>
  );
}

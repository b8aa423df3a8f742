import { Forbidden } from "@/app/_components/forbidden";
import { PageHeader } from "@/app/_components/ui";
import { getOrg, hasPermission } from "../org-context";
import { AuditList } from "./audit-list";

export const metadata = { title: "Audit log" };

export default async function AuditPage({ params }: { params: Promise<{ slug: string }> }) {
  const org = await getOrg((await params).slug);
  if (!hasPermission(org, "audit.read")) return <Forbidden what="the audit log" />;
  return (
    <>
      <PageHeader title="Audit log" />
      <AuditList orgSlug={org.slug} />
    </>
  );
}

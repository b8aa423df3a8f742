import { Forbidden } from "@/app/_components/forbidden";
import { PageHeader } from "@/app/_components/ui";
import { getOrg, hasPermission } from "../org-context";
import { IncidentList } from "./incident-list";

export const metadata = { title: "Incidents" };

export default async function IncidentsPage({ params }: { params: Promise<{ slug: string }> }) {
  const org = await getOrg((await params).slug);
  if (!hasPermission(org, "site.read")) return <Forbidden what="incidents" />;
  return (
    <>
      <PageHeader title="Incidents" />
      <IncidentList orgSlug={org.slug} />
    </>
  );
}

import { Forbidden } from "@/app/_components/forbidden";
import { Link } from "@/app/_components/link";
import { PageHeader } from "@/app/_components/ui";
import { getOrg, hasPermission } from "../org-context";
import { IncidentList } from "./incident-list";

export const metadata = { title: "Incidents" };

export default async function IncidentsPage({ params }: { params: Promise<{ slug: string }> }) {
  const org = await getOrg((await params).slug);
  if (!hasPermission(org, "incident.read")) return <Forbidden what="incidents" />;
  return (
    <>
      <PageHeader title="Incidents">
        {hasPermission(org, "alert.read") && (
          <Link href={`/o/${org.slug}/alerts`} className="text-sm text-brand-700 underline">
            Alert rules and channels
          </Link>
        )}
      </PageHeader>
      <p className="mb-4 text-sm text-slate-700">
        The alert rules open an incident when something needs a look, group what shares a cause, and
        resolve it when every condition has cleared. What each path did is under{" "}
        <Link href={`/o/${org.slug}/path-events`} className="text-brand-700 underline">
          Path events
        </Link>
        .
      </p>
      <IncidentList orgSlug={org.slug} />
    </>
  );
}

import { Forbidden } from "@/app/_components/forbidden";
import { Link } from "@/app/_components/link";
import { getCaller, orNotFound } from "@/app/_trpc/server";
import { getOrg, hasPermission } from "../../org-context";
import { IncidentDetail } from "./incident-detail";

export const metadata = { title: "Incident" };

export default async function IncidentPage({
  params,
}: {
  params: Promise<{ slug: string; incidentId: string }>;
}) {
  const { slug, incidentId } = await params;
  const org = await getOrg(slug);
  if (!hasPermission(org, "incident.read")) return <Forbidden what="incidents" />;
  // Missing, or another org's: the 404 page. The live view is fetched in the browser.
  const incident = await orNotFound(
    (await getCaller()).incidents.get({ orgSlug: org.slug, incidentId }),
  );
  return (
    <>
      <Link href={`/o/${org.slug}/incidents`} className="text-sm text-brand-700 underline">
        ← All incidents
      </Link>
      <h1 className="mt-2 mb-6 text-2xl font-semibold text-slate-900">
        #{incident.number} {incident.title}
      </h1>
      <IncidentDetail
        orgSlug={org.slug}
        incidentId={incident.id}
        canAct={hasPermission(org, "incident.act")}
      />
    </>
  );
}

import { Forbidden } from "@/app/_components/forbidden";
import { getOrg, hasPermission } from "../../../org-context";
import { getSite } from "../get-site";
import { SiteHeader } from "../site-tabs";
import { IncidentTimeline } from "./incident-timeline";
import { SitePathsLive } from "./site-paths-live";

type Params = Promise<{ slug: string; siteId: string }>;

export async function generateMetadata({ params }: { params: Params }) {
  const { slug, siteId } = await params;
  const org = await getOrg(slug);
  if (!hasPermission(org, "site.read")) return { title: "Paths" };
  return { title: `Paths · ${(await getSite(org.slug, siteId)).name}` };
}

/** The site's live overlay: its paths, where each class goes now, and what changed when. */
export default async function SitePathsPage({ params }: { params: Params }) {
  const { slug, siteId } = await params;
  const org = await getOrg(slug);
  if (!hasPermission(org, "site.read")) return <Forbidden what="sites" />;
  const site = await getSite(org.slug, siteId);
  const ids = { orgSlug: org.slug, siteId: site.id };
  return (
    <>
      <SiteHeader orgSlug={org.slug} site={site} current="paths" />
      <div className="space-y-6">
        <SitePathsLive
          {...ids}
          canReadSeries={hasPermission(org, "series.read")}
          canReadIncidents={hasPermission(org, "incident.read")}
        />
        <IncidentTimeline {...ids} />
      </div>
    </>
  );
}

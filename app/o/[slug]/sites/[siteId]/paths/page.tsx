import Link from "next/link";
import { Forbidden } from "@/app/_components/forbidden";
import { PageHeader } from "@/app/_components/ui";
import { getOrg, hasPermission } from "../../../org-context";
import { getSite } from "../get-site";
import { SiteTabs } from "../site-tabs";
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
      <Link href={`/o/${org.slug}/sites`} className="text-sm text-brand-700 underline">
        ← All sites
      </Link>
      <div className="mt-2">
        <PageHeader title={site.name}>
          {site.description && <p className="w-full text-sm text-slate-700">{site.description}</p>}
        </PageHeader>
      </div>
      <SiteTabs orgSlug={org.slug} siteId={site.id} current="paths" />
      <div className="space-y-6">
        <SitePathsLive {...ids} />
        <IncidentTimeline {...ids} />
      </div>
    </>
  );
}

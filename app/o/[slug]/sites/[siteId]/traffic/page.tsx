import { Forbidden } from "@/app/_components/forbidden";
import { getOrg, hasPermission } from "../../../org-context";
import { getSite } from "../get-site";
import { SiteHeader } from "../site-tabs";
import { TrafficView } from "./traffic-view";

type Params = Promise<{ slug: string; siteId: string }>;

export async function generateMetadata({ params }: { params: Params }) {
  const { slug, siteId } = await params;
  const org = await getOrg(slug);
  if (!hasPermission(org, "site.read")) return { title: "Traffic" };
  return { title: `Traffic · ${(await getSite(org.slug, siteId)).name}` };
}

/** The site's WAN traffic over time: throughput, application classes, devices. */
export default async function SiteTrafficPage({ params }: { params: Params }) {
  const { slug, siteId } = await params;
  const org = await getOrg(slug);
  if (!hasPermission(org, "site.read")) return <Forbidden what="sites" />;
  const site = await getSite(org.slug, siteId);
  return (
    <>
      <SiteHeader orgSlug={org.slug} site={site} current="traffic" />
      {hasPermission(org, "series.read") ? (
        <TrafficView orgSlug={org.slug} siteId={site.id} />
      ) : (
        <Forbidden what="traffic figures" />
      )}
    </>
  );
}

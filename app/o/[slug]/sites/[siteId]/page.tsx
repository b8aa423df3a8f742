import { Forbidden } from "@/app/_components/forbidden";
import { getOrg, hasPermission } from "../../org-context";
import { AddDevicePanel } from "./add-device-panel";
import { DeleteSiteButton } from "./delete-site-button";
import { DeviceTable } from "./device-table";
import { getSite } from "./get-site";
import { PortForwards } from "./port-forwards";
import { Services } from "./services";
import { SiteOverlayForm } from "./site-overlay-form";
import { SiteSettingsForm } from "./site-settings-form";
import { SiteHeader } from "./site-tabs";
import { WanLinks } from "./wan-links";

type Params = Promise<{ slug: string; siteId: string }>;

export async function generateMetadata({ params }: { params: Params }) {
  const { slug, siteId } = await params;
  const org = await getOrg(slug);
  if (!hasPermission(org, "site.read")) return { title: "Site" };
  return { title: (await getSite(org.slug, siteId)).name };
}

export default async function SitePage({ params }: { params: Params }) {
  const { slug, siteId } = await params;
  const org = await getOrg(slug);
  if (!hasPermission(org, "site.read")) return <Forbidden what="sites" />;
  const site = await getSite(org.slug, siteId);
  const canWrite = hasPermission(org, "site.write");
  const canEditPolicy = hasPermission(org, "policy.write");
  const ids = { orgSlug: org.slug, siteId: site.id };
  return (
    <>
      <SiteHeader orgSlug={org.slug} site={site} current="site" />
      <div className="space-y-6">
        {canWrite && <AddDevicePanel {...ids} />}
        <DeviceTable {...ids} canWrite={canWrite} />
        <SiteSettingsForm
          {...ids}
          name={site.name}
          description={site.description}
          settings={site.settings}
          canWrite={canWrite}
        />
        <WanLinks {...ids} canWrite={canWrite} />
        <SiteOverlayForm {...ids} canWrite={canWrite} />
        <PortForwards {...ids} canWrite={canEditPolicy} wanAddress={site.settings.wanAddress} />
        <Services {...ids} canWrite={canEditPolicy} />
        {canWrite && <DeleteSiteButton {...ids} name={site.name} />}
      </div>
    </>
  );
}

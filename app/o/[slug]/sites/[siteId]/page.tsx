import Link from "next/link";
import { cache } from "react";
import { Forbidden } from "@/app/_components/forbidden";
import { PageHeader } from "@/app/_components/ui";
import { getCaller, orNotFound } from "@/app/_trpc/server";
import { getOrg, hasPermission } from "../../org-context";
import { AddDevicePanel } from "./add-device-panel";
import { DeleteSiteButton } from "./delete-site-button";
import { DeviceTable } from "./device-table";
import { PortForwards } from "./port-forwards";
import { Services } from "./services";
import { SiteSettingsForm } from "./site-settings-form";

type Params = Promise<{ slug: string; siteId: string }>;

/** Another org's site, or none: the 404 page, as the API answers. */
const getSite = cache(async (orgSlug: string, siteId: string) =>
  orNotFound((await getCaller()).site.get({ orgSlug, siteId })),
);

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
      <Link href={`/o/${org.slug}/sites`} className="text-sm text-brand-700 underline">
        ← All sites
      </Link>
      <div className="mt-2">
        <PageHeader title={site.name}>
          {site.description && <p className="w-full text-sm text-slate-700">{site.description}</p>}
        </PageHeader>
      </div>
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
        <PortForwards {...ids} canWrite={canEditPolicy} wanAddress={site.settings.wanAddress} />
        <Services {...ids} canWrite={canEditPolicy} />
        {canWrite && <DeleteSiteButton {...ids} name={site.name} />}
      </div>
    </>
  );
}

import { Forbidden } from "@/app/_components/forbidden";
import { PageHeader } from "@/app/_components/ui";
import { getOrg, hasPermission } from "../org-context";
import { NewSiteForm } from "./new-site-form";
import { SiteList } from "./site-list";

export const metadata = { title: "Sites" };

export default async function SitesPage({ params }: { params: Promise<{ slug: string }> }) {
  const org = await getOrg((await params).slug);
  if (!hasPermission(org, "site.read")) return <Forbidden what="sites" />;
  return (
    <>
      <PageHeader title="Sites" />
      <div className="space-y-6">
        {hasPermission(org, "site.write") && <NewSiteForm orgSlug={org.slug} />}
        <SiteList orgSlug={org.slug} />
      </div>
    </>
  );
}

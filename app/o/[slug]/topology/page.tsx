import { Forbidden } from "@/app/_components/forbidden";
import { PageHeader } from "@/app/_components/ui";
import { getOrg, hasPermission } from "../org-context";
import { TopologyLive } from "./topology-live";

export const metadata = { title: "Topology" };

export default async function TopologyPage({ params }: { params: Promise<{ slug: string }> }) {
  const org = await getOrg((await params).slug);
  if (!hasPermission(org, "site.read")) return <Forbidden what="the topology" />;
  return (
    <>
      <PageHeader title="Topology" />
      <TopologyLive orgSlug={org.slug} />
    </>
  );
}

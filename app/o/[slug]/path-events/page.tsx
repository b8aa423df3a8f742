import { Forbidden } from "@/app/_components/forbidden";
import { PageHeader } from "@/app/_components/ui";
import { getOrg, hasPermission } from "../org-context";
import { PathEventList } from "./path-event-list";

export const metadata = { title: "Path events" };

export default async function PathEventsPage({ params }: { params: Promise<{ slug: string }> }) {
  const org = await getOrg((await params).slug);
  if (!hasPermission(org, "site.read")) return <Forbidden what="path events" />;
  return (
    <>
      <PageHeader title="Path events" />
      <PathEventList orgSlug={org.slug} />
    </>
  );
}

import { Forbidden } from "@/app/_components/forbidden";
import { PageHeader } from "@/app/_components/ui";
import { getOrg, hasPermission } from "../org-context";
import { DeviceList } from "./device-list";

export const metadata = { title: "Devices" };

export default async function DevicesPage({ params }: { params: Promise<{ slug: string }> }) {
  const org = await getOrg((await params).slug);
  if (!hasPermission(org, "site.read")) return <Forbidden what="devices" />;
  return (
    <>
      <PageHeader title="Devices" />
      <DeviceList orgSlug={org.slug} />
    </>
  );
}

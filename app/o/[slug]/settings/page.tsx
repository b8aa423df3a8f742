import { Forbidden } from "@/app/_components/forbidden";
import { Card, PageHeader } from "@/app/_components/ui";
import { getOrg, hasPermission } from "../org-context";
import { SettingsForm } from "./settings-form";

export const metadata = { title: "Settings" };

export default async function SettingsPage({ params }: { params: Promise<{ slug: string }> }) {
  const org = await getOrg((await params).slug);
  if (!hasPermission(org, "org.update")) return <Forbidden what="the settings" />;
  return (
    <>
      <PageHeader title="Settings" />
      <Card>
        <SettingsForm orgSlug={org.slug} name={org.name} />
      </Card>
    </>
  );
}

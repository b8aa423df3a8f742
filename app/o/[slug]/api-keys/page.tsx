import { Forbidden } from "@/app/_components/forbidden";
import { PageHeader } from "@/app/_components/ui";
import { getOrg, hasPermission } from "../org-context";
import { BrowserAccessForm } from "./browser-access-form";
import { CreateKeyForm } from "./create-key-form";
import { KeyList } from "./key-list";

export const metadata = { title: "API keys" };

export default async function ApiKeysPage({ params }: { params: Promise<{ slug: string }> }) {
  const org = await getOrg((await params).slug);
  if (!hasPermission(org, "apikey.read")) return <Forbidden what="API keys" />;
  const canWrite = hasPermission(org, "apikey.write");
  return (
    <>
      <PageHeader title="API keys" />
      <div className="space-y-6">
        {canWrite && <CreateKeyForm orgSlug={org.slug} />}
        <KeyList orgSlug={org.slug} canWrite={canWrite} />
        {hasPermission(org, "org.read") && (
          <BrowserAccessForm orgSlug={org.slug} canWrite={hasPermission(org, "org.update")} />
        )}
      </div>
    </>
  );
}

import { Forbidden } from "@/app/_components/forbidden";
import { Card, PageHeader } from "@/app/_components/ui";
import { getOrg, hasPermission } from "../org-context";

export const metadata = { title: "API keys" };

export default async function ApiKeysPage({ params }: { params: Promise<{ slug: string }> }) {
  const org = await getOrg((await params).slug);
  if (!hasPermission(org, "apikey.read")) return <Forbidden what="API keys" />;
  return (
    <>
      <PageHeader title="API keys" />
      <Card>
        <p className="text-sm text-slate-700">Keys for the public REST API will be managed here.</p>
      </Card>
    </>
  );
}

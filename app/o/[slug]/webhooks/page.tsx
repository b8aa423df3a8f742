import { Forbidden } from "@/app/_components/forbidden";
import { PageHeader } from "@/app/_components/ui";
import { getOrg, hasPermission } from "../org-context";
import { EndpointList } from "./endpoint-list";
import { NewEndpointForm } from "./new-endpoint-form";

export const metadata = { title: "Webhooks" };

export default async function WebhooksPage({ params }: { params: Promise<{ slug: string }> }) {
  const org = await getOrg((await params).slug);
  if (!hasPermission(org, "webhook.read")) return <Forbidden what="webhooks" />;
  const canWrite = hasPermission(org, "webhook.write");
  return (
    <>
      <PageHeader title="Webhooks" />
      <div className="space-y-6">
        <p className="text-sm text-slate-700">
          Patronus POSTs your organization's events to these URLs, signed with each endpoint's
          secret (see docs/webhooks.md for the payloads and how to verify a signature).
        </p>
        {canWrite && <NewEndpointForm orgSlug={org.slug} />}
        <EndpointList orgSlug={org.slug} canWrite={canWrite} />
      </div>
    </>
  );
}

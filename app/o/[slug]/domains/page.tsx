import { Forbidden } from "@/app/_components/forbidden";
import { PageHeader } from "@/app/_components/ui";
import { getOrg, hasPermission } from "../org-context";
import { DomainList } from "./domain-list";
import { EmbedSection } from "./embed-section";

export const metadata = { title: "Domains" };

export default async function DomainsPage({ params }: { params: Promise<{ slug: string }> }) {
  const org = await getOrg((await params).slug);
  if (!hasPermission(org, "domain.manage")) return <Forbidden what="custom domains" />;
  return (
    <>
      <PageHeader title="Domains" />
      <div className="space-y-6">
        <p className="text-sm text-slate-700">
          Serve the portal on your own hostname. Point the hostname at the portal (CNAME or A
          record, with TLS at your load balancer), prove it is yours with a TXT record, and people
          who sign in there see only {org.name}
          {org.kind === "msp" ? " and its customers" : ""}. Sessions stay on the host where they
          were made.
        </p>
        <DomainList orgSlug={org.slug} />
        {hasPermission(org, "embed.manage") && <EmbedSection orgSlug={org.slug} />}
      </div>
    </>
  );
}

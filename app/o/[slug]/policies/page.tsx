import { Forbidden } from "@/app/_components/forbidden";
import { PageHeader } from "@/app/_components/ui";
import { getOrg, hasPermission } from "../org-context";
import { FleetStatus } from "../rollouts/fleet-status";
import { RuleTable } from "./rule-table";

export const metadata = { title: "Policies" };

export default async function PoliciesPage({ params }: { params: Promise<{ slug: string }> }) {
  const org = await getOrg((await params).slug);
  if (!hasPermission(org, "policy.read")) return <Forbidden what="policies" />;
  return (
    <>
      <PageHeader title="Policies" />
      <div className="space-y-6">
        <FleetStatus orgSlug={org.slug} />
        <RuleTable orgSlug={org.slug} canWrite={hasPermission(org, "policy.write")} />
      </div>
    </>
  );
}

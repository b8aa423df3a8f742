import { Forbidden } from "@/app/_components/forbidden";
import { PageHeader } from "@/app/_components/ui";
import { getOrg, hasPermission } from "../org-context";
import { AppClasses } from "./app-classes";
import { OverlaySettingsForm } from "./overlay-settings-form";
import { SlaClasses } from "./sla-classes";
import { SteeringPolicies } from "./steering-policies";
import { UserGroups } from "./user-groups";

export const metadata = { title: "Steering" };

/** The overlay's intent: its shape, what applications need, and where their traffic goes. */
export default async function SteeringPage({ params }: { params: Promise<{ slug: string }> }) {
  const org = await getOrg((await params).slug);
  if (!hasPermission(org, "policy.read")) return <Forbidden what="path steering" />;
  const ids = { orgSlug: org.slug, canWrite: hasPermission(org, "policy.write") };
  return (
    <>
      <PageHeader title="Steering" />
      <div className="space-y-6">
        <OverlaySettingsForm {...ids} />
        <SlaClasses {...ids} />
        <AppClasses {...ids} />
        <UserGroups {...ids} />
        <SteeringPolicies {...ids} />
      </div>
    </>
  );
}

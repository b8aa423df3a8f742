import { Forbidden } from "@/app/_components/forbidden";
import { PageHeader } from "@/app/_components/ui";
import { getCaller } from "@/app/_trpc/server";
import { getOrg, hasPermission } from "../org-context";
import { RolloutList } from "./rollout-list";
import { RolloutSettingsForm } from "./rollout-settings-form";

export const metadata = { title: "Rollouts" };

export default async function RolloutsPage({ params }: { params: Promise<{ slug: string }> }) {
  const org = await getOrg((await params).slug);
  if (!hasPermission(org, "policy.read")) return <Forbidden what="rollouts" />;
  const canWrite = hasPermission(org, "policy.write");
  const status = await (await getCaller()).rollout.status({ orgSlug: org.slug });
  return (
    <>
      <PageHeader title="Rollouts" />
      <div className="space-y-6">
        <RolloutList orgSlug={org.slug} canWrite={canWrite} />
        <RolloutSettingsForm
          orgSlug={org.slug}
          canaryPercent={status.canaryPercent}
          failureThreshold={status.failureThreshold}
          canWrite={canWrite}
        />
      </div>
    </>
  );
}

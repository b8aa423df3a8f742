import { Forbidden } from "@/app/_components/forbidden";
import { Link } from "@/app/_components/link";
import { getCaller, orNotFound } from "@/app/_trpc/server";
import { getOrg, hasPermission } from "../../org-context";
import { RolloutDetail } from "./rollout-detail";

export const metadata = { title: "Rollout" };

export default async function RolloutPage({
  params,
}: {
  params: Promise<{ slug: string; rolloutId: string }>;
}) {
  const { slug, rolloutId } = await params;
  const org = await getOrg(slug);
  if (!hasPermission(org, "policy.read")) return <Forbidden what="rollouts" />;
  // Missing, or another org's: the 404 page. The live view itself is fetched in the browser.
  const rollout = await orNotFound(
    (await getCaller()).rollout.get({ orgSlug: org.slug, rolloutId }),
  );
  return (
    <>
      <Link href={`/o/${org.slug}/rollouts`} className="text-sm text-brand-700 underline">
        ← All rollouts
      </Link>
      <h1 className="mt-2 mb-6 text-2xl font-semibold text-slate-900">
        Rollout of revision {rollout.revision}
      </h1>
      <RolloutDetail
        orgSlug={org.slug}
        rolloutId={rollout.id}
        canWrite={hasPermission(org, "policy.write")}
      />
    </>
  );
}

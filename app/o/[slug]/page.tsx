import { PageHeader } from "@/app/_components/ui";
import { getCaller } from "@/app/_trpc/server";
import { OverviewLive } from "./_overview/overview-live";
import { getOrg, hasPermission } from "./org-context";

export default async function OrgOverviewPage({ params }: { params: Promise<{ slug: string }> }) {
  const org = await getOrg((await params).slug);
  // The tiles' first data comes with the page (one call, a few aggregate queries); the
  // browser then keeps it live.
  const initial = await (await getCaller()).overview.get({ orgSlug: org.slug, window: "1h" });
  return (
    <>
      <PageHeader title={org.name} />
      <p className="mb-6 text-sm text-slate-700" data-testid="org-role">
        Your role: <strong>{org.role}</strong>
        {org.kind === "msp" && " · Managed service provider"}
      </p>
      <OverviewLive
        orgSlug={org.slug}
        isMsp={org.kind === "msp"}
        canReadSeries={hasPermission(org, "series.read")}
        initial={initial}
      />
    </>
  );
}

import { Card, PageHeader } from "@/app/_components/ui";
import { getOrg } from "./org-context";

export default async function OrgOverviewPage({ params }: { params: Promise<{ slug: string }> }) {
  const org = await getOrg((await params).slug);
  const next = [
    ["Sites", "Enroll a Linux box at each location with one command."],
    ["Topology", "See tunnels and path health live."],
    ["Policies", "Segment traffic and steer applications over the best path."],
  ];
  return (
    <>
      <PageHeader title={org.name} />
      <p className="mb-6 text-sm text-slate-700" data-testid="org-role">
        Your role: <strong>{org.role}</strong>
        {org.kind === "msp" && " · Managed service provider"}
      </p>
      <div className="grid gap-4 sm:grid-cols-3">
        {next.map(([title, text]) => (
          <Card key={title}>
            <h2 className="font-semibold">{title}</h2>
            <p className="mt-1 text-sm text-slate-700">{text}</p>
            <p className="mt-3 text-xs text-slate-600">Nothing here yet.</p>
          </Card>
        ))}
      </div>
    </>
  );
}

import { Forbidden } from "@/app/_components/forbidden";
import { Card, PageHeader } from "@/app/_components/ui";
import { getCaller } from "@/app/_trpc/server";
import { getOrg, hasPermission } from "../org-context";

export const metadata = { title: "Audit log" };

export default async function AuditPage({ params }: { params: Promise<{ slug: string }> }) {
  const org = await getOrg((await params).slug);
  if (!hasPermission(org, "audit.read")) return <Forbidden what="the audit log" />;
  const { items } = await (await getCaller()).audit.list({ orgSlug: org.slug, limit: 100 });
  return (
    <>
      <PageHeader title="Audit log" />
      <Card>
        <table className="w-full text-left text-sm">
          <thead>
            <tr className="border-b border-slate-200 text-slate-600">
              <th className="py-2 font-medium">When</th>
              <th className="py-2 font-medium">Who</th>
              <th className="py-2 font-medium">Action</th>
              <th className="py-2 font-medium">Change</th>
            </tr>
          </thead>
          <tbody>
            {items.map((e) => (
              <tr key={e.id} className="border-b border-slate-100 align-top">
                <td className="py-2 whitespace-nowrap">
                  {e.createdAt.toISOString().replace("T", " ").slice(0, 19)}
                </td>
                <td className="py-2">{actorLabel(e)}</td>
                <td className="py-2 font-mono text-xs">{e.action}</td>
                <td className="py-2 font-mono text-xs text-slate-700">
                  {e.before ? `${JSON.stringify(e.before)} → ` : ""}
                  {e.after ? JSON.stringify(e.after) : ""}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
    </>
  );
}

const KIND_LABELS: Record<string, string> = {
  apiKey: "API key",
  device: "device",
  system: "system",
};

/** A user by email; an API key, device or system job by kind and id. */
function actorLabel(e: {
  actorKind: string | null;
  actorId: string | null;
  actorEmail: string | null;
}) {
  if (e.actorEmail) return e.actorEmail;
  if (!e.actorKind || e.actorKind === "user") return "system";
  return `${KIND_LABELS[e.actorKind] ?? e.actorKind} ${e.actorId ?? ""}`.trim();
}

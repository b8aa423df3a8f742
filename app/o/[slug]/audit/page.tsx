import { Forbidden } from "@/app/_components/forbidden";
import { DataTable, Td } from "@/app/_components/status-ui";
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
        <DataTable
          label="Audit log"
          columns={["When", "Who", "Action", "Change"]}
          rows={items}
          cells={(e) => (
            <>
              <Td className="whitespace-nowrap">
                {e.createdAt.toISOString().replace("T", " ").slice(0, 19)}
              </Td>
              <Td>{actorLabel(e)}</Td>
              <Td className="font-mono text-xs">{e.action}</Td>
              <Td className="font-mono text-xs text-slate-700">
                {e.before ? `${JSON.stringify(e.before)} → ` : ""}
                {e.after ? JSON.stringify(e.after) : ""}
              </Td>
            </>
          )}
        />
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

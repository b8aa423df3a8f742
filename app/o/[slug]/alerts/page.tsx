import { Forbidden } from "@/app/_components/forbidden";
import { PageHeader } from "@/app/_components/ui";
import { getOrg, hasPermission } from "../org-context";
import { Alerting } from "./alerting";

export const metadata = { title: "Alerting" };

const SECTIONS = [
  { href: "#rules", label: "Rules" },
  { href: "#channels", label: "Channels" },
  { href: "#windows", label: "Maintenance windows" },
];

export default async function AlertsPage({ params }: { params: Promise<{ slug: string }> }) {
  const org = await getOrg((await params).slug);
  if (!hasPermission(org, "alert.read")) return <Forbidden what="alerting" />;
  const canWrite = hasPermission(org, "alert.write");
  return (
    <>
      <PageHeader title="Alerting">
        <nav aria-label="Alerting sections" className="flex flex-wrap gap-3 text-sm">
          {SECTIONS.map((s) => (
            <a key={s.href} href={s.href} className="text-brand-700 underline">
              {s.label}
            </a>
          ))}
        </nav>
      </PageHeader>
      {!canWrite && (
        <p className="mb-4 text-sm text-slate-700" data-testid="alerting-read-only">
          Your role can see the alerting set-up; owners and admins change it.
        </p>
      )}
      <Alerting orgSlug={org.slug} canWrite={canWrite} />
    </>
  );
}

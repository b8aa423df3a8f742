import { Link } from "@/app/_components/link";
import { PageHeader } from "@/app/_components/ui";

type View = "site" | "traffic" | "paths";

/** The top of a site's pages: the way back to all sites, its name and description, its views. */
export function SiteHeader({
  orgSlug,
  site,
  current,
}: {
  orgSlug: string;
  site: { id: string; name: string; description?: string | null };
  current: View;
}) {
  return (
    <>
      <Link href={`/o/${orgSlug}/sites`} className="text-sm text-brand-700 underline">
        ← All sites
      </Link>
      <div className="mt-2">
        <PageHeader title={site.name}>
          {site.description && <p className="w-full text-sm text-slate-700">{site.description}</p>}
        </PageHeader>
      </div>
      <SiteTabs orgSlug={orgSlug} siteId={site.id} current={current} />
    </>
  );
}

/** The site's views: its set-up, its traffic over time, its overlay paths and incidents. */
export function SiteTabs({
  orgSlug,
  siteId,
  current,
}: {
  orgSlug: string;
  siteId: string;
  current: View;
}) {
  const base = `/o/${orgSlug}/sites/${siteId}`;
  const tabs = [
    { key: "site", href: base, label: "Set-up" },
    { key: "traffic", href: `${base}/traffic`, label: "Traffic" },
    { key: "paths", href: `${base}/paths`, label: "Paths and incidents" },
  ] as const;
  return (
    <nav aria-label="Site views" className="mb-6 flex gap-1 border-b border-slate-200">
      {tabs.map((t) => (
        <Link
          key={t.key}
          href={t.href}
          aria-current={t.key === current ? "page" : undefined}
          className={`-mb-px border-b-2 px-3 py-2 text-sm ${
            t.key === current
              ? "border-brand-600 font-medium text-brand-900"
              : "border-transparent text-slate-700 hover:border-slate-300 hover:text-slate-900"
          }`}
        >
          {t.label}
        </Link>
      ))}
    </nav>
  );
}

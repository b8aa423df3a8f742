import Link from "next/link";

/** The site's two views: its set-up, and its live overlay paths and incidents. */
export function SiteTabs({
  orgSlug,
  siteId,
  current,
}: {
  orgSlug: string;
  siteId: string;
  current: "site" | "paths";
}) {
  const base = `/o/${orgSlug}/sites/${siteId}`;
  const tabs = [
    { key: "site", href: base, label: "Set-up" },
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

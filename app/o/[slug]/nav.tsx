"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

export interface NavItem {
  href: string;
  label: string;
}

/**
 * Rollouts sit under Policies: they are how policy changes reach devices, and everyone who
 * may read policies may read them (both need policy.read, which every role holds).
 */
function withRollouts(items: NavItem[]): NavItem[] {
  return items.flatMap((item) =>
    item.href.endsWith("/policies") && !items.some((i) => i.href.endsWith("/rollouts"))
      ? [item, { href: item.href.replace(/\/policies$/, "/rollouts"), label: "Rollouts" }]
      : [item],
  );
}

/** The entry whose link is the longest prefix of the path: /sites/x still marks Sites. */
function activeHref(items: NavItem[], pathname: string) {
  return items
    .filter((i) => pathname === i.href || pathname.startsWith(`${i.href}/`))
    .reduce<string | undefined>(
      (best, i) => (!best || i.href.length > best.length ? i.href : best),
      undefined,
    );
}

export function SideNav({ items: given }: { items: NavItem[] }) {
  const pathname = usePathname();
  const items = withRollouts(given);
  const active = activeHref(items, pathname);
  return (
    <nav aria-label="Organization" className="flex gap-1 overflow-x-auto md:flex-col">
      {items.map((item) => {
        const current = item.href === active;
        return (
          <Link
            key={item.href}
            href={item.href}
            aria-current={pathname === item.href ? "page" : current ? "true" : undefined}
            className={`whitespace-nowrap rounded-md px-3 py-2 text-sm ${
              current
                ? "bg-brand-100 font-medium text-brand-900"
                : "text-slate-700 hover:bg-slate-100"
            }`}
          >
            {item.label}
          </Link>
        );
      })}
    </nav>
  );
}

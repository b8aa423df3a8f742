"use client";

import { usePathname } from "next/navigation";
import { Link } from "@/app/_components/link";

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

/** `vertical` stacks the links at every width (the phone menu); `onNavigate` runs on a click. */
export function SideNav({
  items: given,
  vertical,
  onNavigate,
}: {
  items: NavItem[];
  vertical?: boolean;
  onNavigate?: () => void;
}) {
  const pathname = usePathname();
  const items = withRollouts(given);
  const active = activeHref(items, pathname);
  return (
    <nav
      aria-label="Organization"
      className={`flex gap-1 ${vertical ? "flex-col" : "overflow-x-auto md:flex-col"}`}
    >
      {items.map((item) => {
        const current = item.href === active;
        return (
          <Link
            key={item.href}
            href={item.href}
            onClick={onNavigate}
            aria-current={pathname === item.href ? "page" : current ? "true" : undefined}
            className={`whitespace-nowrap rounded-md px-3 py-2 text-sm ${
              current
                ? "bg-accent-soft font-medium text-accent-soft-fg"
                : "text-fg-muted hover:bg-surface-muted"
            }`}
          >
            {item.label}
          </Link>
        );
      })}
    </nav>
  );
}

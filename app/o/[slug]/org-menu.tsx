"use client";

import { usePathname } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { type NavItem, SideNav } from "./nav";

const PANEL_ID = "org-menu-panel";

/**
 * The org's navigation on a phone (below `md`, where the side navigation is hidden): a
 * disclosure button in the top bar. Escape closes it and gives focus back to the button;
 * following a link closes it too.
 */
export function OrgMenu({ items }: { items: NavItem[] }) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const pathname = usePathname();
  // A new page is shown: the menu has done its job.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on navigation only
  useEffect(() => setOpen(false), [pathname]);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [open]);
  return (
    <div className="md:hidden">
      <button
        ref={button}
        type="button"
        aria-expanded={open}
        aria-controls={PANEL_ID}
        onClick={() => setOpen((o) => !o)}
        className="inline-flex items-center gap-2 rounded-md border border-line-strong bg-surface px-3 py-1.5 text-sm font-medium text-fg hover:bg-surface-muted"
      >
        <svg aria-hidden="true" viewBox="0 0 20 20" className="size-4" fill="currentColor">
          <path d="M3 5h14v2H3zm0 4h14v2H3zm0 4h14v2H3z" />
        </svg>
        Menu
      </button>
      <div
        id={PANEL_ID}
        hidden={!open}
        className="absolute inset-x-0 top-full z-40 border-b border-line bg-surface px-4 py-3 shadow-lg"
      >
        {open && <SideNav items={items} vertical onNavigate={() => setOpen(false)} />}
      </div>
    </div>
  );
}

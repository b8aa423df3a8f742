"use client";

import { useSyncExternalStore } from "react";
import { parseTheme, THEMES, type Theme, themeCookie } from "@/app/_lib/theme";

const LABELS: Record<Theme, string> = { system: "System", light: "Light", dark: "Dark" };

/** The theme on <html data-theme> (set by the server from the cookie, then by the toggle). */
function subscribe(onChange: () => void) {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributeFilter: ["data-theme"] });
  return () => observer.disconnect();
}
const current = () => parseTheme(document.documentElement.dataset.theme);

/** The theme in effect, for widgets that style themselves (React Flow's colorMode). */
export function useTheme(rendered: Theme = "system"): Theme {
  return useSyncExternalStore(subscribe, current, () => rendered);
}

/**
 * System / Light / Dark, remembered in a cookie so the next page renders in it at once.
 * `rendered` is the theme the server rendered (from the cookie), for a hydration match.
 */
export function ThemeToggle({ rendered }: { rendered: Theme }) {
  const theme = useTheme(rendered);
  const choose = (next: Theme) => {
    // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is not in every browser
    document.cookie = themeCookie(next);
    document.documentElement.dataset.theme = next;
  };
  return (
    <fieldset className="inline-flex rounded-md border border-line-strong bg-surface p-0.5 text-xs">
      <legend className="sr-only">Theme</legend>
      {THEMES.map((t) => (
        <button
          key={t}
          type="button"
          aria-pressed={theme === t}
          onClick={() => choose(t)}
          className={`rounded px-2 py-1 ${
            theme === t
              ? "bg-accent-soft font-medium text-accent-soft-fg"
              : "text-fg-muted hover:bg-surface-muted"
          }`}
        >
          {LABELS[t]}
        </button>
      ))}
    </fieldset>
  );
}

"use client";

import { useSyncExternalStore } from "react";

/**
 * One clock for every <Time> on the page: a single interval while any is shown. Its
 * snapshot is null on the server and while hydrating, so the first render is the same
 * on both sides (UTC) and the viewer's locale and zone take over right after.
 */
const TICK_MS = 15_000;
let now = 0;
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void) {
  if (listeners.size === 0) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, TICK_MS);
  }
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) clearInterval(timer);
  };
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 86_400],
  ["month", 30 * 86_400],
  ["day", 86_400],
  ["hour", 3_600],
  ["minute", 60],
  ["second", 1],
];

/** "5 minutes ago", "in 3 days", "now": in the viewer's language. */
export function relativeTime(at: number, reference: number, locale?: string) {
  const seconds = Math.round((at - reference) / 1000);
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  if (Math.abs(seconds) < 10) return rtf.format(0, "second");
  const [unit, size] = UNITS.find(([, s]) => Math.abs(seconds) >= s) ?? ["second", 1];
  return rtf.format(Math.trunc(seconds / size), unit);
}

/** The server's (and hydration's) rendering: the same everywhere, so nothing mismatches. */
const utc = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;

/**
 * A moment, as the viewer reads it: relative ("5 minutes ago", kept up to date) or absolute
 * in their locale and time zone (`show`), with the other in the tooltip; the machine value
 * in `dateTime`. Nothing (null) shows `fallback`.
 */
export function Time({
  value,
  show = "relative",
  fallback = "—",
}: {
  value: Date | string | number | null | undefined;
  show?: "relative" | "absolute";
  fallback?: string;
}) {
  const clock = useSyncExternalStore(
    subscribe,
    () => (now ||= Date.now()),
    () => null,
  );
  if (value === null || value === undefined) return <>{fallback}</>;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return <>{fallback}</>;
  const iso = date.toISOString();
  if (clock === null)
    return (
      <time dateTime={iso} title={iso}>
        {utc(date)}
      </time>
    );
  const absolute = new Intl.DateTimeFormat(undefined, {
    dateStyle: "medium",
    timeStyle: "short",
  }).format(date);
  const relative = relativeTime(date.getTime(), clock);
  return (
    <time dateTime={iso} title={show === "relative" ? absolute : relative}>
      {show === "relative" ? relative : absolute}
    </time>
  );
}

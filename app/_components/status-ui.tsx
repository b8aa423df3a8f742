import type { ReactNode } from "react";

/** Read-only pieces for live fleet data: badges, an online dot, progress, wide tables. */

const tones = {
  slate: "bg-slate-100 text-slate-800",
  green: "bg-green-100 text-green-800",
  amber: "bg-amber-100 text-amber-900",
  red: "bg-red-100 text-red-800",
  blue: "bg-brand-100 text-brand-900",
};
export type Tone = keyof typeof tones;

export function Badge({
  tone = "slate",
  title,
  children,
}: {
  tone?: Tone;
  title?: string;
  children: ReactNode;
}) {
  return (
    <span
      title={title}
      className={`inline-flex items-center whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ${tones[tone]}`}
    >
      {children}
    </span>
  );
}

/** A coloured dot with its meaning in text next to it (colour alone says nothing). */
export function OnlineDot({ online, children }: { online: boolean; children: ReactNode }) {
  return (
    <span className="inline-flex items-center gap-1.5 whitespace-nowrap">
      <span
        aria-hidden="true"
        className={`size-2.5 rounded-full ${online ? "bg-green-600" : "bg-slate-400"}`}
      />
      {children}
    </span>
  );
}

/** `value` of `max` done, `failed` of them shown in red; the numbers are in aria-valuetext. */
export function ProgressBar({
  label,
  value,
  max,
  failed = 0,
  testId,
}: {
  label: string;
  value: number;
  max: number;
  failed?: number;
  testId?: string;
}) {
  const pct = (n: number) => (max > 0 ? Math.min(100, (n / max) * 100) : 0);
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={max}
      aria-valuenow={value}
      aria-valuetext={`${value} of ${max} applied${failed ? `, ${failed} failed` : ""}`}
      data-testid={testId}
      className="flex h-2.5 w-full min-w-24 overflow-hidden rounded-full bg-slate-200"
    >
      <div className="bg-green-600" style={{ width: `${pct(value)}%` }} />
      <div className="bg-red-600" style={{ width: `${pct(failed)}%` }} />
    </div>
  );
}

/**
 * A table wider than a phone scrolls sideways inside this region; it takes focus so a
 * keyboard can scroll it too (WCAG 2.1.1, axe's scrollable-region-focusable). `relative`
 * keeps absolutely placed descendants (sr-only text) inside the scroller: otherwise they
 * stretch the whole page sideways on a phone.
 */
export function TableWrap({ label, children }: { label: string; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be focusable
    <section aria-label={label} tabIndex={0} className="relative -mx-1 overflow-x-auto px-1">
      {children}
    </section>
  );
}

/** A column heading (`scope="col"`: screen readers read it with each cell under it). */
export function Th({
  children,
  className = "",
  ariaSort,
}: {
  children?: ReactNode;
  className?: string;
  /** On the column the rows are sorted by. */
  ariaSort?: "ascending" | "descending";
}) {
  return (
    <th
      scope="col"
      aria-sort={ariaSort}
      className={`py-2 pr-3 font-medium whitespace-nowrap ${className}`}
    >
      {children}
    </th>
  );
}

export function Td({
  children,
  className = "",
  title,
}: {
  children?: ReactNode;
  className?: string;
  title?: string;
}) {
  return (
    <td className={`py-2 pr-3 align-top ${className}`} title={title}>
      {children}
    </td>
  );
}

/** A right-aligned number (latency, loss): tabular figures, never wrapped. */
export function NumTd({ children }: { children?: ReactNode }) {
  return <Td className="text-right tabular-nums whitespace-nowrap">{children}</Td>;
}

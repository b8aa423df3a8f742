import type { ReactNode } from "react";
import { Link } from "@/app/_components/link";

const TONE = {
  ok: "border-slate-200",
  warn: "border-amber-400",
  bad: "border-red-500",
} as const;
export type Tone = keyof typeof TONE;

/** One overview tile: a card that is a link to the page with the details. */
export function Tile({
  title,
  href,
  tone = "ok",
  testId,
  children,
}: {
  title: string;
  href: string;
  tone?: Tone;
  testId: string;
  children: ReactNode;
}) {
  return (
    <Link
      href={href}
      data-testid={testId}
      data-tone={tone}
      className={`block rounded-lg border-2 bg-white p-4 shadow-sm hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-600 ${TONE[tone]}`}
    >
      <h2 className="text-sm font-semibold text-slate-700">{title}</h2>
      <div className="mt-2">{children}</div>
    </Link>
  );
}

/** A big figure with its label, e.g. "3 up". */
export function Figure({
  value,
  label,
  testId,
}: {
  value: ReactNode;
  label: string;
  testId?: string;
}) {
  return (
    <p className="flex items-baseline gap-1">
      <span className="text-2xl font-semibold text-slate-900" data-testid={testId}>
        {value}
      </span>
      <span className="text-sm text-slate-700">{label}</span>
    </p>
  );
}

/**
 * How much of a limit is used: a labelled bar whose numbers are also in text, for screen
 * readers (aria-valuetext) and for everyone (the figure next to the label). Amber from
 * 80 %, red at the limit.
 */
export function UsageBar({
  label,
  used,
  max,
  valueText,
  testId,
}: {
  label: string;
  used: number;
  max: number | null;
  /** The figure shown, e.g. "2 / 3" or "1.2 GB of 100 GB"; defaults to used / max. */
  valueText?: string;
  testId?: string;
}) {
  const text = valueText ?? (max === null ? `${used}` : `${used} / ${max}`);
  const pct = max ? Math.min(100, (used / max) * 100) : 0;
  const tone = max && used >= max ? "bg-red-600" : pct >= 80 ? "bg-amber-500" : "bg-brand-600";
  return (
    <div data-testid={testId} data-used={used} data-max={max ?? ""}>
      <div className="mb-1 flex justify-between gap-3 text-sm">
        <span className="font-medium text-slate-800">{label}</span>
        <span className="tabular-nums text-slate-700">{text}</span>
      </div>
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={max ?? used}
        aria-valuenow={used}
        aria-valuetext={text}
        className="h-2.5 w-full overflow-hidden rounded-full bg-slate-200"
      >
        <div className={`h-full ${tone}`} style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}

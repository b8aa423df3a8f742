"use client";

/** A row of toggle buttons choosing a chart's time window (one pressed at a time). */
export function WindowPicker<W extends string>({
  value,
  options,
  onChange,
  legend = "Time window",
}: {
  value: W;
  options: readonly { key: W; label: string }[];
  onChange: (w: W) => void;
  legend?: string;
}) {
  return (
    <fieldset className="flex flex-wrap items-center gap-1 text-sm">
      <legend className="sr-only">{legend}</legend>
      {options.map((o) => (
        <button
          key={o.key}
          type="button"
          aria-pressed={value === o.key}
          onClick={() => onChange(o.key)}
          className={`rounded-md border px-2 py-1 ${value === o.key ? "border-brand-700 bg-brand-700 text-white" : "border-slate-300 bg-white text-slate-800"}`}
        >
          {o.label}
        </button>
      ))}
    </fieldset>
  );
}

/** A chart card's heading with its window picker beside it. */
export function ChartCardHeader<W extends string>({
  title,
  legend,
  ...picker
}: {
  title: string;
  legend: string;
  value: W;
  options: readonly { key: W; label: string }[];
  onChange: (w: W) => void;
}) {
  return (
    <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
      <h2 className="font-semibold">{title}</h2>
      <WindowPicker {...picker} legend={legend} />
    </div>
  );
}

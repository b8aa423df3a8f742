import { formatBytes } from "../billing/format";

export interface TopItem {
  id: string;
  name: string;
  inBytes: number;
  outBytes: number;
}

/** Bits received and sent (series.top) as a list's bytes in and out. */
export const fromBits = (i: { id: string; name: string; rxBits: number; txBits: number }) => ({
  id: i.id,
  name: i.name,
  inBytes: i.rxBits / 8,
  outBytes: i.txBits / 8,
});

/**
 * A ranked list of what moved the most traffic: each bar is the item's bytes against the
 * first's; every figure is in the text, for screen readers and without colour (the bars
 * are decoration).
 */
export function TopList({
  label,
  items,
  rowTestId = "top-row",
  testId,
  nameOf = (i) => i.name,
}: {
  label: string;
  items: readonly TopItem[];
  rowTestId?: string;
  testId?: string;
  nameOf?: (i: TopItem) => string;
}) {
  const bytes = (i: TopItem) => i.inBytes + i.outBytes;
  const max = Math.max(1, ...items.map(bytes));
  return (
    <ol className="space-y-2" aria-label={label} data-testid={testId}>
      {items.map((i) => (
        <li key={i.id} data-testid={rowTestId} data-name={i.name} data-bytes={Math.round(bytes(i))}>
          <div className="flex items-baseline justify-between gap-3 text-sm">
            <span className="min-w-0 truncate font-medium text-fg" title={nameOf(i)}>
              {nameOf(i)}
            </span>
            <span className="shrink-0 tabular-nums text-fg">{formatBytes(bytes(i))}</span>
          </div>
          <div
            aria-hidden="true"
            className="mt-1 h-1.5 w-full overflow-hidden rounded-full bg-surface-muted"
          >
            <div
              className="h-full rounded-full bg-accent"
              style={{ width: `${(bytes(i) / max) * 100}%` }}
            />
          </div>
          <p className="mt-0.5 text-xs tabular-nums text-fg-subtle">
            {formatBytes(i.inBytes)} in · {formatBytes(i.outBytes)} out
          </p>
        </li>
      ))}
    </ol>
  );
}

/** How the usage counters name unclassified traffic. */
export const appClassLabel = (name: string) => (name === "other" ? "Other (unclassified)" : name);

import { formatBytes } from "../billing/format";
import { Tile } from "./tile";
import type { Overview } from "./types";

type Applications = Overview["applications"];

/**
 * The top application classes over the window as a bar list: each bar is the class's bytes
 * against the largest class's, its in/out split shown as text (the bars are decoration:
 * every figure is in the text, for screen readers and without colour).
 */
export function AppsTile({ orgSlug, apps }: { orgSlug: string; apps: Applications }) {
  const label = apps.window === "1h" ? "last hour" : "last day";
  const max = Math.max(1, ...apps.items.map((a) => a.bytes));
  return (
    <Tile title={`Top applications, ${label}`} href={`/o/${orgSlug}/steering`} testId="tile-apps">
      {apps.items.length > 0 ? (
        <ol className="space-y-2" aria-label={`Bytes per application class, ${label}`}>
          {apps.items.map((a) => (
            <li key={a.name} data-testid="app-row" data-name={a.name} data-bytes={a.bytes}>
              <div className="flex items-baseline justify-between gap-3 text-sm">
                <span className="min-w-0 truncate font-medium text-fg" title={a.name}>
                  {a.name === "other" ? "Other (unclassified)" : a.name}
                </span>
                <span className="shrink-0 tabular-nums text-fg">{formatBytes(a.bytes)}</span>
              </div>
              <div
                aria-hidden="true"
                className="mt-1 h-1.5 w-full overflow-hidden rounded-full bg-surface-muted"
              >
                <div
                  className="h-full rounded-full bg-accent"
                  style={{ width: `${(a.bytes / max) * 100}%` }}
                />
              </div>
              <p className="mt-0.5 text-xs tabular-nums text-fg-subtle">
                {formatBytes(a.inBytes)} in · {formatBytes(a.outBytes)} out
              </p>
            </li>
          ))}
        </ol>
      ) : (
        <p className="text-sm text-fg-muted">
          {apps.reported
            ? `No traffic by application class in the ${label}.`
            : `No agent reported traffic by application class in the ${label}; the classes are on the steering page.`}
        </p>
      )}
    </Tile>
  );
}

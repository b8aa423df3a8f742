// A diff as a person reads it: each change's field path, then the old value (struck, red,
// labelled "before") and the new one (green, labelled "after"): the labels say it, colour
// only helps. Long values wrap anywhere and very long ones fold, so a diff never widens the
// page. No hooks: server and client components both render it.
import {
  type Change,
  countChanges,
  excerptPair,
  formatValue,
  pathLabel,
} from "@/server/api/shared";

/** Longer than this, a value shows its start and folds the rest. */
const FOLD = 240;

export function ChangeDiff({
  changes,
  max = 50,
  empty = "No changes.",
  label,
}: {
  changes: readonly Change[];
  /** Changes shown; the rest are counted. */
  max?: number;
  empty?: string;
  label?: string;
}) {
  if (changes.length === 0) return <p className="text-xs text-slate-600">{empty}</p>;
  const shown = changes.slice(0, max);
  return (
    <div className="min-w-48 max-w-full text-xs" data-testid="change-diff">
      <ul aria-label={label} className="space-y-1.5">
        {shown.map((c, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a diff's changes never reorder
          <ChangeRow key={i} change={c} />
        ))}
      </ul>
      {changes.length > max && (
        <p className="mt-1 text-slate-600">…and {changes.length - max} more changes.</p>
      )}
    </div>
  );
}

/** "2 changed, 1 added, 1 removed". */
export function changeSummary(changes: readonly Change[]) {
  const n = countChanges(changes);
  const parts = (["changed", "added", "removed"] as const)
    .filter((k) => n[k] > 0)
    .map((k) => `${n[k]} ${k}`);
  return parts.length > 0 ? parts.join(", ") : "no changes";
}

const OP_TEXT = {
  added: "added",
  removed: "removed",
  changed: "changed",
  reordered: "reordered",
} as const;

function ChangeRow({ change: c }: { change: Change }) {
  let before: string | undefined;
  let after: string | undefined;
  if (c.op === "changed") {
    [before, after] =
      typeof c.before === "string" && typeof c.after === "string"
        ? excerptPair(c.before, c.after)
        : [formatValue(c.before), formatValue(c.after)];
  } else if (c.op === "removed") before = formatValue(c.before);
  else if (c.op === "added") after = formatValue(c.after);
  else [before, after] = [c.before.join(", "), c.after.join(", ")];
  return (
    <li
      className="min-w-0 [overflow-wrap:anywhere]"
      data-testid="diff-change"
      data-op={c.op}
      data-path={pathLabel(c.path)}
    >
      <span className="font-mono font-medium text-slate-900">{pathLabel(c.path)}</span>{" "}
      <span className="text-slate-600">{OP_TEXT[c.op]}</span>
      {c.op === "changed" && c.redacted && <span className="text-slate-600"> (value hidden)</span>}
      {!(c.op === "changed" && c.redacted) && (
        <span className="mt-0.5 block space-y-0.5">
          {before !== undefined && <Value side="before" text={before} />}
          {after !== undefined && <Value side="after" text={after} />}
        </span>
      )}
    </li>
  );
}

function Value({ side, text }: { side: "before" | "after"; text: string }) {
  const Tag = side === "before" ? "del" : "ins";
  const tone =
    side === "before"
      ? "bg-red-50 text-red-900 decoration-red-700"
      : "bg-green-50 text-green-900 no-underline";
  const long = text.length > FOLD;
  return (
    <span className="flex min-w-0 items-baseline gap-1.5">
      <span className="w-10 shrink-0 text-[11px] uppercase tracking-wide text-slate-600">
        {side}
      </span>
      <Tag className={`min-w-0 rounded px-1 font-mono whitespace-pre-wrap ${tone}`}>
        {long ? (
          <details className="inline">
            <summary className="cursor-pointer">
              {text.slice(0, FOLD)}… <span className="font-sans underline">show all</span>
            </summary>
            {text}
          </details>
        ) : (
          text
        )}
      </Tag>
    </span>
  );
}

"use client";

import type { AppMatch } from "@/protocol/overlay";
import {
  InlineInput,
  InlineSelect,
  patchAt,
  RowButton,
  RowError,
  removeAt,
} from "../_overlay/inline-fields";

/** One row of the editor, as typed (strings until submitted). */
export interface MatchRow {
  key: number;
  type: "ports" | "prefix";
  proto: "tcp" | "udp";
  lo: string;
  hi: string;
  prefix: string;
}

let nextKey = 0;
export const newMatchRow = (m?: AppMatch): MatchRow => ({
  key: nextKey++,
  type: m && "prefix" in m ? "prefix" : "ports",
  proto: m && "proto" in m ? m.proto : "udp",
  lo: m && "lo" in m ? String(m.lo) : "",
  hi: m && "hi" in m ? String(m.hi) : "",
  prefix: m && "prefix" in m ? m.prefix : "",
});

/** The rows as the API takes them; an empty port is NaN so the server names the field. */
export function toMatch(rows: MatchRow[]): AppMatch[] {
  const port = (s: string) => (s.trim() === "" ? Number.NaN : Number(s));
  return rows.map((r) =>
    r.type === "prefix"
      ? { prefix: r.prefix.trim() }
      : { proto: r.proto, lo: port(r.lo), hi: port(r.hi.trim() || r.lo) },
  );
}

export function describeMatch(m: AppMatch) {
  if ("prefix" in m) return `to ${m.prefix}`;
  return `${m.proto} ${m.lo === m.hi ? m.lo : `${m.lo}–${m.hi}`}`;
}

/** The two ends of a port range, as the editor shows them. */
const PORT_ENDS = [
  { end: "lo", label: "first port", placeholder: "First port" },
  { end: "hi", label: "last port", placeholder: "Last port (optional)" },
] as const;

/** What the data plane classifies into the class: destination port ranges or prefixes. */
export function MatchEditor({
  idPrefix,
  rows,
  onChange,
  errors,
}: {
  idPrefix: string;
  rows: MatchRow[];
  onChange: (rows: MatchRow[]) => void;
  /** By row index. */
  errors: (i: number) => string | undefined;
}) {
  const set = (i: number, patch: Partial<MatchRow>) => onChange(patchAt(rows, i, patch));
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium text-slate-800">Matches</legend>
      {rows.length === 0 && (
        <p className="text-xs text-slate-600">
          No matches: the class takes nothing by itself (a default class, or for policies).
        </p>
      )}
      {rows.map((r, i) => {
        const id = `${idPrefix}match-${i}`;
        const n = i + 1;
        const error = errors(i);
        const errorId = error ? `${id}-error` : undefined;
        return (
          <div key={r.key} data-testid="match-row">
            <div className="grid grid-cols-2 gap-2 sm:grid-cols-[9rem_6rem_1fr_1fr_auto]">
              <InlineSelect
                id={`${id}-type`}
                label={`Match ${n}: kind`}
                value={r.type}
                onChange={(e) => set(i, { type: e.target.value as MatchRow["type"] })}
              >
                <option value="ports">Port range</option>
                <option value="prefix">Prefix</option>
              </InlineSelect>
              {r.type === "ports" ? (
                <>
                  <InlineSelect
                    id={`${id}-proto`}
                    label={`Match ${n}: protocol`}
                    value={r.proto}
                    onChange={(e) => set(i, { proto: e.target.value as MatchRow["proto"] })}
                  >
                    <option value="udp">UDP</option>
                    <option value="tcp">TCP</option>
                  </InlineSelect>
                  {PORT_ENDS.map(({ end, label, placeholder }) => (
                    <InlineInput
                      key={end}
                      id={`${id}-${end}`}
                      label={`Match ${n}: ${label}`}
                      placeholder={placeholder}
                      type="number"
                      inputMode="numeric"
                      min={1}
                      max={65535}
                      value={r[end]}
                      errorId={errorId}
                      onChange={(e) => set(i, { [end]: e.target.value })}
                    />
                  ))}
                </>
              ) : (
                <div className="col-span-2 sm:col-span-3">
                  <InlineInput
                    id={`${id}-prefix`}
                    label={`Match ${n}: destination prefix`}
                    placeholder="52.112.0.0/14"
                    value={r.prefix}
                    errorId={errorId}
                    onChange={(e) => set(i, { prefix: e.target.value })}
                  />
                </div>
              )}
              <RowButton
                aria-label={`Remove match ${n}`}
                onClick={() => onChange(removeAt(rows, i))}
              >
                Remove
              </RowButton>
            </div>
            <RowError id={`${id}-error`} error={error} />
          </div>
        );
      })}
      <RowButton onClick={() => onChange([...rows, newMatchRow()])}>Add a match</RowButton>
    </fieldset>
  );
}

"use client";

import { NamedOptions } from "@/app/_components/ui";
import type { PathPreference } from "@/server/domains/overlay/schemas";
import {
  InlineSelect,
  move,
  patchAt,
  RowButton,
  RowError,
  removeAt,
} from "../_overlay/inline-fields";

export interface PreferredRow {
  key: number;
  siteId: string;
  localLink: string;
  remoteLink: string;
}

export interface SiteLinks {
  id: string;
  name: string;
  links: { name: string }[];
}

let nextKey = 0;
export const newPreferredRow = (p?: PathPreference): PreferredRow => ({
  key: nextKey++,
  siteId: p?.siteId ?? "",
  localLink: p?.localLink ?? "",
  remoteLink: p?.remoteLink ?? "",
});

export const toPreferred = (rows: PreferredRow[]): PathPreference[] =>
  rows.map((r) => ({
    siteId: r.siteId,
    ...(r.localLink ? { localLink: r.localLink } : {}),
    ...(r.remoteLink ? { remoteLink: r.remoteLink } : {}),
  }));

/** Link names to offer, keeping one already chosen that no longer exists. */
const options = (names: string[], current: string) =>
  [...new Set([...names, ...(current ? [current] : [])])].sort();

/**
 * Preferred paths in order: to a site, optionally over a local and/or remote link (by
 * name). The first that meets the SLA wins; the rest of the paths follow by cost.
 */
export function PreferredEditor({
  idPrefix,
  rows,
  onChange,
  sites,
  localLinks,
  errors,
}: {
  idPrefix: string;
  rows: PreferredRow[];
  onChange: (rows: PreferredRow[]) => void;
  sites: SiteLinks[];
  /** Names of the links the policy's boxes have (its site's, or every site's). */
  localLinks: string[];
  errors: (i: number) => string | undefined;
}) {
  const set = (i: number, patch: Partial<PreferredRow>) => onChange(patchAt(rows, i, patch));
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium text-slate-800">Preferred paths, in order</legend>
      {rows.length === 0 && (
        <p className="text-xs text-slate-600">
          None: every path, the ones meeting the SLA by cost.
        </p>
      )}
      <ol className="space-y-2">
        {rows.map((r, i) => {
          const id = `${idPrefix}pref-${i}`;
          const n = i + 1;
          const error = errors(i);
          const remote = sites.find((s) => s.id === r.siteId);

          return (
            <li key={r.key} data-testid="preferred-row">
              <div className="grid grid-cols-[1.5rem_1fr] items-center gap-2 sm:grid-cols-[1.5rem_1fr_1fr_1fr_auto]">
                <span className="text-sm text-slate-600 tabular-nums">{n}.</span>
                <InlineSelect
                  id={`${id}-site`}
                  label={`Preference ${n}: to site`}
                  value={r.siteId}
                  errorId={error ? `${id}-error` : undefined}
                  onChange={(e) => set(i, { siteId: e.target.value, remoteLink: "" })}
                >
                  <NamedOptions items={sites} none="Choose a site" />
                </InlineSelect>
                <InlineSelect
                  id={`${id}-local`}
                  label={`Preference ${n}: over local link`}
                  value={r.localLink}
                  wrapperClassName="col-start-2 sm:col-start-auto"
                  onChange={(e) => set(i, { localLink: e.target.value })}
                >
                  <option value="">Any local link</option>
                  {options(localLinks, r.localLink).map((name) => (
                    <option key={name} value={name}>
                      local {name}
                    </option>
                  ))}
                </InlineSelect>
                <InlineSelect
                  id={`${id}-remote`}
                  label={`Preference ${n}: to remote link`}
                  value={r.remoteLink}
                  wrapperClassName="col-start-2 sm:col-start-auto"
                  onChange={(e) => set(i, { remoteLink: e.target.value })}
                >
                  <option value="">Any remote link</option>
                  {options(remote?.links.map((l) => l.name) ?? [], r.remoteLink).map((name) => (
                    <option key={name} value={name}>
                      remote {name}
                    </option>
                  ))}
                </InlineSelect>
                <div className="col-start-2 flex gap-1 sm:col-start-auto">
                  <RowButton
                    className="px-2 py-1.5"
                    aria-label={`Move preference ${n} up`}
                    disabled={i === 0}
                    onClick={() => onChange(move(rows, i, -1))}
                  >
                    ↑
                  </RowButton>
                  <RowButton
                    className="px-2 py-1.5"
                    aria-label={`Move preference ${n} down`}
                    disabled={i === rows.length - 1}
                    onClick={() => onChange(move(rows, i, 1))}
                  >
                    ↓
                  </RowButton>
                  <RowButton
                    aria-label={`Remove preference ${n}`}
                    onClick={() => onChange(removeAt(rows, i))}
                  >
                    Remove
                  </RowButton>
                </div>
              </div>
              <RowError id={`${id}-error`} error={error} />
            </li>
          );
        })}
      </ol>
      <RowButton
        disabled={rows.length >= 16}
        onClick={() => onChange([...rows, newPreferredRow()])}
      >
        Add a preferred path
      </RowButton>
    </fieldset>
  );
}

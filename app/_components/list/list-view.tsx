"use client";

import type { ReactNode } from "react";
import { DataTable, type DataTableProps } from "../data-table";
import { Alert, Card } from "../ui";
import { ListPager } from "./list-pager";
import { changed, isFiltered } from "./list-state";
import { type FilterControl, ListToolbar } from "./list-toolbar";
import type { ListController } from "./use-list";

type Page<T> = { items: T[]; next: string | null; total?: number };

interface Props<T extends { id: string }>
  extends Omit<DataTableProps<T>, "label" | "rows" | "sorting" | "empty"> {
  list: ListController;
  title: string;
  /** The table's name for screen readers; the title when not given. */
  label?: string;
  description?: ReactNode;
  noun: { one: string; many: string };
  /** Undefined until loaded (the last page stays shown while the next one loads). */
  data: Page<T> | undefined;
  /** The rows shown are the last page's, while the one asked for loads (isPlaceholderData). */
  stale?: boolean;
  error?: { message: string } | null;
  /** The search box's label ("Search sites"); no box without it. */
  searchLabel?: string;
  filters?: FilterControl[];
  /** The CSV export's path (…/export/sites): it gets the list's filters and sort. */
  exportPath?: string;
  /** What an org without any row sees (no filter set). */
  empty: ReactNode;
  notices?: ReactNode;
  children?: ReactNode;
}

/**
 * A list read page by page from the server, its state in the URL: search, filters, sortable
 * headings, page size, Previous/Next, the count, "no match" apart from "none yet", and a
 * CSV export of every row the filters match.
 */
export function ListView<T extends { id: string }>({
  list,
  title,
  label = title,
  description,
  noun,
  data,
  stale = false,
  error,
  searchLabel,
  filters,
  exportPath,
  empty,
  notices,
  children,
  ...table
}: Props<T>) {
  const { state } = list;
  const filtered = isFiltered(state);
  return (
    <Card>
      <div className={`${description ? "mb-1" : "mb-3"} flex flex-wrap items-center gap-2`}>
        <h2 className="flex-1 font-semibold">{title}</h2>
        {exportPath && (
          <a
            href={`${exportPath}${list.matching ? `?${list.matching}` : ""}`}
            download
            className="text-sm text-brand-700 underline"
          >
            Export CSV
          </a>
        )}
      </div>
      {description && <div className="mb-3 text-sm text-slate-700">{description}</div>}
      <ListToolbar
        list={list}
        name={`Filter ${label.toLowerCase()}`}
        searchLabel={searchLabel}
        filters={filters}
      />
      <div className="mb-3 space-y-2 empty:hidden">
        {error && <Alert>{error.message}</Alert>}
        {notices}
      </div>
      {data && data.items.length === 0 && state.page === 1 ? (
        <div className="text-sm text-slate-600" data-testid="list-empty">
          {filtered ? (
            <p>
              No {noun.many} match these filters.{" "}
              <button
                type="button"
                className="text-brand-700 underline"
                onClick={() => list.go(changed(state, { q: "", filters: {} }))}
              >
                Clear the filters
              </button>
            </p>
          ) : (
            empty
          )}
        </div>
      ) : (
        data && (
          <>
            <DataTable
              label={label}
              rows={data.items}
              sorting={{
                sort: state.sort,
                order: state.order,
                onSort: (sort) =>
                  list.go(
                    changed(state, {
                      sort,
                      order: state.sort === sort && state.order === "asc" ? "desc" : "asc",
                    }),
                  ),
              }}
              {...table}
            />
            <ListPager
              stale={stale}
              list={list}
              noun={noun}
              shown={data.items.length}
              total={data.total}
              next={data.next}
            />
          </>
        )
      )}
      {!data && !error && <p className="text-sm text-slate-600">Loading…</p>}
      {children}
    </Card>
  );
}

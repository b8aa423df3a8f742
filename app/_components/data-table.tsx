import type { CSSProperties, ReactNode } from "react";
import { TableWrap, Td, Th } from "./status-ui";

/**
 * A column heading: its text, or its text with classes (`text-right` over NumTd cells), a
 * width (which fixes the table's layout, so long values wrap instead of pushing columns over
 * each other) and the field it sorts the list on.
 */
export type Column = string | { label: string; className?: string; width?: string; sort?: string };

/** The list's sort, and what choosing another does (ListView puts it in the URL). */
export interface Sorting {
  sort: string;
  order: "asc" | "desc";
  onSort: (field: string) => void;
}

export interface DataTableProps<T extends { id: string }> {
  label: string;
  columns: Column[];
  rows: T[];
  cells: (row: T) => ReactNode;
  /** The row's test id and states, as data-* attributes. */
  rowData?: (row: T) => Record<`data-${string}`, string | number>;
  rowClassName?: (row: T) => string;
  actions?: (row: T) => ReactNode;
  actionsLabel?: string;
  empty?: ReactNode;
  emptyTestId?: string;
  tableTestId?: string;
  sorting?: Sorting;
}

const colOf = (c: Column) => (typeof c === "string" ? { label: c } : c);

/**
 * The labels a phone shows in each cell of a row reflowed into a card (globals.css: the
 * n-th cell shows --cell-label-n), as CSS strings.
 */
function cellLabels(labels: string[]) {
  return Object.fromEntries(
    labels.map((label, i) => [`--cell-label-${i + 1}`, JSON.stringify(label)]),
  ) as CSSProperties;
}

function SortHeader({ label, field, sorting }: { label: string; field: string; sorting: Sorting }) {
  const active = sorting.sort === field;
  const next = active && sorting.order === "asc" ? "descending" : "ascending";
  return (
    <button
      type="button"
      onClick={() => sorting.onSort(field)}
      className="inline-flex items-center gap-1 font-medium text-slate-700 underline-offset-2 hover:underline"
      title={`Sort by ${label.toLowerCase()}, ${next}`}
    >
      {label}
      <span aria-hidden="true" className={active ? "text-slate-900" : "text-slate-500"}>
        {active ? (sorting.order === "asc" ? "▲" : "▼") : "↕"}
      </span>
    </button>
  );
}

/**
 * A list as a table, in a TableWrap named `label`: the headings, then one row per item (its
 * cells from `cells`, its test id and states from `rowData`). With `actions`, a last
 * right-aligned cell per row under a heading read out as `actionsLabel`. Without rows, the
 * `empty` sentence instead (when given). Below `sm` each row becomes a card of labelled
 * cells; with column widths the layout is fixed and long values wrap.
 */
export function DataTable<T extends { id: string }>({
  label,
  columns,
  rows,
  cells,
  rowData,
  rowClassName,
  actions,
  actionsLabel = "Actions",
  empty,
  emptyTestId,
  tableTestId,
  sorting,
}: DataTableProps<T>) {
  if (rows.length === 0 && empty !== undefined)
    return (
      <p className="text-sm text-slate-600" data-testid={emptyTestId}>
        {empty}
      </p>
    );
  const cols = columns.map(colOf);
  const fixed = cols.some((c) => c.width);
  return (
    <TableWrap label={label}>
      <table
        className={`reflow w-full text-left text-sm ${fixed ? "sm:table-fixed" : ""}`}
        style={cellLabels([...cols.map((c) => c.label), ...(actions ? [""] : [])])}
        data-testid={tableTestId}
      >
        {fixed && (
          <colgroup>
            {cols.map((c, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: fixed column order
              <col key={i} style={c.width ? { width: c.width } : undefined} />
            ))}
            {actions && <col style={{ width: "7rem" }} />}
          </colgroup>
        )}
        <thead>
          <tr className="border-b border-slate-200 text-slate-600">
            {cols.map((c, i) => {
              const sorted = sorting && c.sort && sorting.sort === c.sort;
              return (
                <Th
                  // biome-ignore lint/suspicious/noArrayIndexKey: fixed column order
                  key={i}
                  className={c.className}
                  ariaSort={
                    sorted ? (sorting.order === "asc" ? "ascending" : "descending") : undefined
                  }
                >
                  {sorting && c.sort ? (
                    <SortHeader label={c.label} field={c.sort} sorting={sorting} />
                  ) : (
                    c.label
                  )}
                </Th>
              );
            })}
            {actions && (
              <Th>
                <span className="sr-only">{actionsLabel}</span>
              </Th>
            )}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr
              key={row.id}
              className={`border-b border-slate-100 ${rowClassName?.(row) ?? ""}`.trim()}
              {...rowData?.(row)}
            >
              {cells(row)}
              {actions && <Td className="text-right">{actions(row)}</Td>}
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

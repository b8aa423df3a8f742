import type { ReactNode } from "react";
import { DataTable, type DataTableProps } from "./data-table";
import { Alert, Card } from "./ui";

interface Props<T extends { id: string }> extends Omit<DataTableProps<T>, "label" | "rows"> {
  title: string;
  description?: ReactNode;
  /** The table's name for screen readers; the title when not given. */
  label?: string;
  /** Undefined until loaded: "Loading…" meanwhile, unless `error` says why it never will be. */
  rows: T[] | undefined;
  error?: { message: string } | null;
  /** More alerts next to the error, such as what a row's action did. */
  notices?: ReactNode;
  /** Under the table: the add form. */
  children?: ReactNode;
}

/** A card of one list: its heading, what went wrong, then its rows as a DataTable. */
export function ListCard<T extends { id: string }>({
  title,
  description,
  label = title,
  rows,
  error,
  notices,
  children,
  ...table
}: Props<T>) {
  return (
    <Card>
      <h2 className={`${description ? "mb-1" : "mb-3"} font-semibold`}>{title}</h2>
      {description && <div className="mb-3 text-sm text-slate-700">{description}</div>}
      <div className="mb-3 space-y-2 empty:hidden">
        {error && <Alert>{error.message}</Alert>}
        {notices}
      </div>
      {rows && <DataTable label={label} rows={rows} {...table} />}
      {!rows && !error && <p className="text-sm text-slate-600">Loading…</p>}
      {children}
    </Card>
  );
}

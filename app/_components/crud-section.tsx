"use client";

import { type UseMutationOptions, useMutation } from "@tanstack/react-query";
import { type ComponentProps, type ReactNode, useState } from "react";
import type { Column } from "./data-table";
import { EditDialog } from "./edit-dialog";
import { ListView } from "./list/list-view";
import { ListCard } from "./list-card";
import { RowActions } from "./row-actions";

/** `T`: one row; `D`, `O`, `E`: the delete procedure's input, output and error. */
interface Props<T extends { id: string }, D, O, E extends { message: string }> {
  title: string;
  description?: ReactNode;
  /** A row as its buttons name it for screen readers: "SLA class voice", "service web". */
  what: (row: T) => string;
  /** The list's query: its rows once loaded, or why they are not. */
  query: { data?: T[]; error: { message: string } | null };
  /** The order to show the rows in; as loaded when not given. */
  order?: (a: T, b: T) => number;
  empty: string;
  headers: Column[];
  /** The cells of one row (the actions cell is added). */
  cells: (row: T) => ReactNode;
  /** data-* attributes of one row (test ids, states). */
  rowData: (row: T) => Record<`data-${string}`, string>;
  canWrite: boolean;
  /** The delete procedure's mutation options (with what to refresh after it), and its input. */
  remove: UseMutationOptions<O, E, D>;
  removeInput: (row: T) => D;
  /** The heading of the delete confirmation; "Delete <what>?" when not given. */
  deleteTitle?: (row: T) => string;
  /** What deleting takes with it, in the confirmation. */
  deleteText: (row: T) => ReactNode;
  addTitle: string;
  /** The add form; with `row` and `close`, the edit form (in a dialog). */
  form: (row?: T, close?: () => void) => ReactNode;
  /** False: rows are only added and deleted, never edited. */
  editable?: boolean;
  /** A list paged on the server (a ListView: search, sort, pages); `query.data` unused. */
  paged?: Pick<
    ComponentProps<typeof ListView<T>>,
    "list" | "noun" | "data" | "stale" | "searchLabel" | "filters" | "exportPath"
  >;
}

/** A list of one kind of intent: a table, edit and delete per row, an add form under it. */
export function CrudSection<T extends { id: string }, D, O, E extends { message: string }>({
  editable = true,
  ...p
}: Props<T, D, O, E>) {
  const [editing, setEditing] = useState<T | null>(null);
  const remove = useMutation(p.remove);
  const shared = {
    title: p.title,
    description: p.description,
    error: p.query.error ?? remove.error,
    empty: p.empty,
    columns: p.headers,
    cells: p.cells,
    rowData: p.rowData,
    actions: p.canWrite
      ? (row: T) => (
          <RowActions
            what={p.what(row)}
            onEdit={editable ? () => setEditing(row) : undefined}
            onDelete={() => remove.mutate(p.removeInput(row))}
            deleting={remove.isPending}
            deleteTitle={p.deleteTitle?.(row)}
          >
            {p.deleteText(row)}
          </RowActions>
        )
      : undefined,
  };
  const below = (
    <>
      {p.canWrite && (
        <div className="mt-4 border-t border-slate-100 pt-4">
          <h3 className="mb-3 text-sm font-semibold">{p.addTitle}</h3>
          {p.form()}
        </div>
      )}
      {editing && (
        <EditDialog title={`Edit ${p.what(editing)}`} onClose={() => setEditing(null)}>
          {(close) => p.form(editing, close)}
        </EditDialog>
      )}
    </>
  );
  if (p.paged)
    return (
      <ListView {...p.paged} {...shared}>
        {below}
      </ListView>
    );
  return (
    <ListCard
      {...shared}
      rows={p.order && p.query.data ? [...p.query.data].sort(p.order) : p.query.data}
    >
      {below}
    </ListCard>
  );
}

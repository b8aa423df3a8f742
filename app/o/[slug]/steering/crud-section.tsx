"use client";

import { type ReactNode, useState } from "react";
import { ConfirmButton } from "@/app/_components/confirm-button";
import { TableWrap, Th } from "@/app/_components/status-ui";
import { Alert, Button, Card } from "@/app/_components/ui";
import { EditDialog } from "../_overlay/edit-dialog";

interface Props<T extends { id: string; name: string }> {
  title: string;
  description: ReactNode;
  /** What one item is called in buttons: "SLA class", "policy". */
  noun: string;
  rows: T[] | undefined;
  error?: { message: string } | null;
  empty: string;
  headers: ReactNode[];
  /** The cells of one row (the actions cell is added). */
  cells: (row: T) => ReactNode;
  /** data-* attributes of one row (test ids, states). */
  rowData: (row: T) => Record<`data-${string}`, string>;
  canWrite: boolean;
  onDelete: (row: T) => void;
  deleting: boolean;
  /** What deleting takes with it, in the confirmation. */
  deleteText: (row: T) => ReactNode;
  /** The add or edit form; `row` and `close` only when editing. */
  form: (row?: T, close?: () => void) => ReactNode;
  addTitle: string;
}

/** A list of one kind of overlay intent: a table, edit and delete per row, an add form. */
export function CrudSection<T extends { id: string; name: string }>(p: Props<T>) {
  const [editing, setEditing] = useState<T | null>(null);
  return (
    <Card>
      <h2 className="mb-1 font-semibold">{p.title}</h2>
      <div className="mb-3 text-sm text-slate-700">{p.description}</div>
      {p.error && <Alert>{p.error.message}</Alert>}
      {!p.rows && !p.error && <p className="text-sm text-slate-600">Loading…</p>}
      {p.rows?.length === 0 && <p className="text-sm text-slate-600">{p.empty}</p>}
      {!!p.rows?.length && (
        <TableWrap label={p.title}>
          <table className="w-full text-left text-sm">
            <thead>
              <tr className="border-b border-slate-200 text-slate-600">
                {p.headers.map((h, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: fixed column order
                  <Th key={i}>{h}</Th>
                ))}
                {p.canWrite && (
                  <Th>
                    <span className="sr-only">Actions</span>
                  </Th>
                )}
              </tr>
            </thead>
            <tbody>
              {p.rows.map((row) => (
                <tr key={row.id} className="border-b border-slate-100" {...p.rowData(row)}>
                  {p.cells(row)}
                  {p.canWrite && (
                    <td className="py-2 pr-3 text-right align-top">
                      <div className="flex justify-end gap-2">
                        <Button
                          variant="secondary"
                          aria-label={`Edit ${p.noun} ${row.name}`}
                          onClick={() => setEditing(row)}
                        >
                          Edit
                        </Button>
                        <ConfirmButton
                          label="Delete"
                          ariaLabel={`Delete ${p.noun} ${row.name}`}
                          title={`Delete ${p.noun} ${row.name}?`}
                          disabled={p.deleting}
                          onConfirm={() => p.onDelete(row)}
                        >
                          {p.deleteText(row)}
                        </ConfirmButton>
                      </div>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {p.canWrite && (
        <div className="mt-4 border-t border-slate-100 pt-4">
          <h3 className="mb-3 text-sm font-semibold">{p.addTitle}</h3>
          {p.form()}
        </div>
      )}
      {editing && (
        <EditDialog title={`Edit ${p.noun} ${editing.name}`} onClose={() => setEditing(null)}>
          {(close) => p.form(editing, close)}
        </EditDialog>
      )}
    </Card>
  );
}

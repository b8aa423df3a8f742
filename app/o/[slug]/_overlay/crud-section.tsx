"use client";

import { type ReactNode, useState } from "react";
import { ConfirmButton } from "@/app/_components/confirm-button";
import { EditDialog } from "@/app/_components/edit-dialog";
import { type Column, DataTable } from "@/app/_components/status-ui";
import { Alert, Button, Card } from "@/app/_components/ui";

interface Props<T extends { id: string; name: string }> {
  title: string;
  description: ReactNode;
  /** What one item is called in buttons: "SLA class", "policy". */
  noun: string;
  rows: T[] | undefined;
  error?: { message: string } | null;
  empty: string;
  headers: Column[];
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
      {p.rows && (
        <DataTable
          label={p.title}
          columns={p.headers}
          rows={p.rows}
          empty={p.empty}
          cells={p.cells}
          rowData={p.rowData}
          actions={
            p.canWrite
              ? (row) => (
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
                )
              : undefined
          }
        />
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

/** The confirmation of deleting a class or group that `policies` steering policies name. */
export const policiesGoToo = (policies?: number) =>
  policies
    ? `The ${policies} steering policies that use it are deleted with it.`
    : "No steering policy uses it.";

import type { FormEventHandler, InputHTMLAttributes, ReactNode } from "react";
import { Alert, Button, Card } from "./ui";

export function Checkbox({
  label,
  id,
  ...props
}: InputHTMLAttributes<HTMLInputElement> & { label: string; id: string }) {
  return (
    <div className="flex items-center gap-2">
      <input
        id={id}
        name={id}
        type="checkbox"
        className="size-4 rounded border-slate-300 accent-brand-600"
        {...props}
      />
      <label htmlFor={id} className="text-sm font-medium text-slate-800">
        {label}
      </label>
    </div>
  );
}

/** The end of an add or edit form: the server's headline, a success note, cancel and submit. */
export function FormFooter({
  message,
  success,
  submitLabel,
  pending,
  onCancel,
}: {
  message: string;
  success?: string | false;
  submitLabel: string;
  pending: boolean;
  onCancel?: () => void;
}) {
  return (
    <div className="space-y-3">
      {message && <Alert>{message}</Alert>}
      {success && <Alert kind="success">{success}</Alert>}
      <div className="flex justify-end gap-2">
        {onCancel && (
          <Button variant="secondary" onClick={onCancel}>
            Cancel
          </Button>
        )}
        <Button type="submit" disabled={pending}>
          {submitLabel}
        </Button>
      </div>
    </div>
  );
}

/** Fields under a legend read out by screen readers; disabled, they look it as well. */
export function Fieldset({
  legend,
  disabled,
  className,
  children,
}: {
  legend: string;
  disabled: boolean;
  className: string;
  children: ReactNode;
}) {
  return (
    <fieldset
      disabled={disabled}
      className={`${className} [&_:disabled]:cursor-not-allowed [&_:disabled]:bg-slate-100`}
    >
      <legend className="sr-only">{legend}</legend>
      {children}
    </fieldset>
  );
}

/**
 * The end of a settings form, which saves in place: for a role that can only read the
 * settings, `readOnlyNote`; else the server's headline, `saved` once `save` succeeded, and Save.
 */
export function SettingsFooter({
  canWrite,
  readOnlyNote,
  message,
  save,
  saved,
  submitLabel,
}: {
  canWrite: boolean;
  readOnlyNote?: string;
  message: string;
  save: { isPending: boolean; isSuccess: boolean };
  saved: string;
  submitLabel: string;
}) {
  return (
    <div className="mt-3 space-y-3">
      {!canWrite && readOnlyNote && <p className="text-sm text-slate-700">{readOnlyNote}</p>}
      {message && <Alert>{message}</Alert>}
      {save.isSuccess && <Alert kind="success">{saved}</Alert>}
      {canWrite && (
        <Button type="submit" disabled={save.isPending}>
          {submitLabel}
        </Button>
      )}
    </div>
  );
}

/**
 * A card with a short form that fits one line of a wide screen: `columns` lays out its
 * fields and then the submit button; the server's headline and a success note go under it.
 */
export function InlineFormCard({
  title,
  columns,
  onSubmit,
  submitLabel,
  pending,
  message,
  success,
  children,
}: {
  title: string;
  columns: string;
  onSubmit: FormEventHandler<HTMLFormElement>;
  submitLabel: string;
  pending: boolean;
  message: string;
  success?: ReactNode;
  children: ReactNode;
}) {
  return (
    <Card>
      <h2 className="mb-3 font-semibold">{title}</h2>
      <form className={`grid gap-3 ${columns} sm:items-end`} noValidate onSubmit={onSubmit}>
        {children}
        <Button type="submit" disabled={pending}>
          {submitLabel}
        </Button>
      </form>
      <div className="mt-3 space-y-3 empty:hidden">
        {message && <Alert>{message}</Alert>}
        {success && <Alert kind="success">{success}</Alert>}
      </div>
    </Card>
  );
}

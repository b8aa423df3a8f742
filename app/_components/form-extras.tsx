import type { InputHTMLAttributes, TextareaHTMLAttributes } from "react";
import { Alert, Button, FieldFrame, fieldAria } from "./ui";

/** A multi-line Field: same label, hint and error wiring as ui.tsx's Field. */
export function TextArea({
  label,
  error,
  hint,
  id,
  ...props
}: TextareaHTMLAttributes<HTMLTextAreaElement> & {
  label: string;
  id: string;
  error?: string;
  hint?: string;
}) {
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error}>
      <textarea
        id={id}
        name={id}
        {...fieldAria(id, error, hint)}
        className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-sm shadow-sm focus:border-brand-600"
        {...props}
      />
    </FieldFrame>
  );
}

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

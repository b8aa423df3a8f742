import type { InputHTMLAttributes, SelectHTMLAttributes } from "react";

/**
 * Controls for rows of a list editor: the label is read out but not shown (the editor's
 * column headings show it), the error is shown under the row by the editor.
 */
export function InlineSelect({
  label,
  id,
  children,
  invalid,
  wrapperClassName = "",
  ...props
}: SelectHTMLAttributes<HTMLSelectElement> & {
  label: string;
  id: string;
  invalid?: boolean;
  wrapperClassName?: string;
}) {
  return (
    <div className={`min-w-0 ${wrapperClassName}`}>
      <label htmlFor={id} className="sr-only">
        {label}
      </label>
      <select
        id={id}
        aria-invalid={invalid || undefined}
        className="block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm"
        {...props}
      >
        {children}
      </select>
    </div>
  );
}

export function InlineInput({
  label,
  id,
  invalid,
  wrapperClassName = "",
  ...props
}: InputHTMLAttributes<HTMLInputElement> & {
  label: string;
  id: string;
  invalid?: boolean;
  wrapperClassName?: string;
}) {
  return (
    <div className={`min-w-0 ${wrapperClassName}`}>
      <label htmlFor={id} className="sr-only">
        {label}
      </label>
      <input
        id={id}
        aria-invalid={invalid || undefined}
        className="block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm shadow-sm focus:border-brand-600"
        {...props}
      />
    </div>
  );
}

/** Moves item `i` of a list by `by` places (clamped): the order of preferred paths. */
export function move<T>(list: T[], i: number, by: number): T[] {
  const j = Math.max(0, Math.min(list.length - 1, i + by));
  if (i === j) return list;
  const out = [...list];
  const [item] = out.splice(i, 1);
  out.splice(j, 0, item as T);
  return out;
}

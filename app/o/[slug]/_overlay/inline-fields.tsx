import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes } from "react";
import { Button } from "@/app/_components/ui";

/**
 * Controls for rows of a list editor: the label is read out but not shown (the editor's
 * column headings show it), the error is shown under the row by RowError. `errorId` is
 * that error's id while the row has one: the control is then invalid and described by it.
 */
interface InlineProps {
  label: string;
  id: string;
  errorId?: string;
  wrapperClassName?: string;
}

function InlineFrame({
  id,
  label,
  wrapperClassName = "",
  children,
}: Omit<InlineProps, "errorId"> & { children: ReactNode }) {
  return (
    <div className={`min-w-0 ${wrapperClassName}`}>
      <label htmlFor={id} className="sr-only">
        {label}
      </label>
      {children}
    </div>
  );
}

const inlineAria = (errorId?: string) => ({
  "aria-invalid": errorId ? true : undefined,
  "aria-describedby": errorId,
});

export function InlineSelect({
  label,
  id,
  errorId,
  wrapperClassName,
  children,
  ...props
}: SelectHTMLAttributes<HTMLSelectElement> & InlineProps) {
  return (
    <InlineFrame id={id} label={label} wrapperClassName={wrapperClassName}>
      <select
        id={id}
        {...inlineAria(errorId)}
        className="block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm"
        {...props}
      >
        {children}
      </select>
    </InlineFrame>
  );
}

export function InlineInput({
  label,
  id,
  errorId,
  wrapperClassName,
  ...props
}: InputHTMLAttributes<HTMLInputElement> & InlineProps) {
  return (
    <InlineFrame id={id} label={label} wrapperClassName={wrapperClassName}>
      <input
        id={id}
        {...inlineAria(errorId)}
        className="block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm shadow-sm focus:border-brand-600"
        {...props}
      />
    </InlineFrame>
  );
}

/** The error of one row, under it; its id is the row's controls' `errorId`. */
export function RowError({ id, error }: { id: string; error?: string }) {
  if (!error) return null;
  return (
    <p id={id} className="mt-1 text-xs text-red-700">
      {error}
    </p>
  );
}

/** The small secondary buttons of a list editor: add a row, remove one. */
export function RowButton(props: Omit<Parameters<typeof Button>[0], "variant">) {
  return <Button variant="secondary" className="py-1.5" {...props} />;
}

/** The list with item `i` changed by `patch`. */
export const patchAt = <T,>(list: T[], i: number, patch: Partial<T>): T[] =>
  list.map((item, j) => (j === i ? { ...item, ...patch } : item));

/** The list without item `i`. */
export const removeAt = <T,>(list: T[], i: number): T[] => list.filter((_, j) => j !== i);

/** Moves item `i` of a list by `by` places (clamped): the order of preferred paths. */
export function move<T>(list: T[], i: number, by: number): T[] {
  const j = Math.max(0, Math.min(list.length - 1, i + by));
  if (i === j) return list;
  const out = [...list];
  const [item] = out.splice(i, 1);
  out.splice(j, 0, item as T);
  return out;
}

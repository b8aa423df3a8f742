import type { SelectHTMLAttributes } from "react";
import { FieldFrame, fieldAria } from "@/app/_components/ui";

/** ui.tsx's Select with a hint and an error from the server, wired like Field. */
export function SelectField({
  label,
  id,
  hint,
  error,
  children,
  ...props
}: SelectHTMLAttributes<HTMLSelectElement> & {
  label: string;
  id: string;
  hint?: string;
  error?: string;
}) {
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error}>
      <select
        id={id}
        name={id}
        {...fieldAria(id, error, hint)}
        className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm"
        {...props}
      >
        {children}
      </select>
    </FieldFrame>
  );
}

import {
  type ButtonHTMLAttributes,
  type ComponentProps,
  createElement,
  type ReactNode,
} from "react";
import { Link } from "@/app/_components/link";
import { WithBillingLink } from "./billing-link";

/** Small, accessible building blocks. Every input has a visible label. */

const buttonStyles = {
  primary: "bg-accent text-on-accent hover:bg-accent-hover disabled:bg-slate-400",
  secondary: "border border-line-strong bg-surface text-fg hover:bg-surface-muted",
  danger: "border border-red-300 bg-surface text-red-700 hover:bg-red-50",
};

export function Button({
  variant = "primary",
  className = "",
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: keyof typeof buttonStyles }) {
  return (
    <button
      type="button"
      className={`inline-flex items-center justify-center rounded-md px-3.5 py-2 text-sm font-medium disabled:cursor-not-allowed ${buttonStyles[variant]} ${className}`}
      {...props}
    />
  );
}

export function ButtonLink({
  href,
  children,
  variant = "primary",
}: {
  href: string;
  children: ReactNode;
  variant?: keyof typeof buttonStyles;
}) {
  return (
    <Link
      href={href}
      className={`inline-flex items-center justify-center rounded-md px-3.5 py-2 text-sm font-medium ${buttonStyles[variant]}`}
    >
      {children}
    </Link>
  );
}

/** Label, hint and error around one control, wired for screen readers. */
export function FieldFrame({
  id,
  label,
  hint,
  error,
  children,
}: {
  id: string;
  label: string;
  hint?: string;
  error?: string;
  children: ReactNode;
}) {
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-fg">
        {label}
      </label>
      {children}
      {hint && !error && (
        <p id={`${id}-hint`} className="text-xs text-fg-subtle">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="text-xs text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}

/** The aria attributes of a control inside a FieldFrame. */
export const fieldAria = (id: string, error?: string, hint?: string) => ({
  "aria-invalid": error ? true : undefined,
  "aria-describedby": error ? `${id}-error` : hint ? `${id}-hint` : undefined,
});

/** What every labelled control takes besides its element's own attributes. */
interface FieldProps {
  label: string;
  id: string;
  hint?: string;
  error?: string;
}

const controlClass =
  "block w-full rounded-md border border-line-strong bg-surface px-3 py-2 text-sm text-fg";

/**
 * A labelled control: the element `as` in a FieldFrame, named in the form by its id and
 * described by its error, or else its hint.
 */
function Framed<Tag extends "input" | "select" | "textarea">({
  as,
  label,
  id,
  hint,
  error,
  ...props
}: { as: Tag } & ComponentProps<Tag> & FieldProps) {
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error}>
      {createElement(as, { id, name: id, ...fieldAria(id, error, hint), ...props })}
    </FieldFrame>
  );
}

export function Field(props: ComponentProps<"input"> & FieldProps) {
  return (
    <Framed as="input" className={`${controlClass} shadow-sm focus:border-accent`} {...props} />
  );
}

/** A choice, with the same optional hint and server error as Field. */
export function Select(props: ComponentProps<"select"> & FieldProps) {
  return <Framed as="select" className={controlClass} {...props} />;
}

/** A multi-line Field (prefix lists, backends): one entry a line, in a fixed-width font. */
export function TextArea(props: ComponentProps<"textarea"> & FieldProps) {
  return (
    <Framed
      as="textarea"
      className={`${controlClass} font-mono shadow-sm focus:border-accent`}
      {...props}
    />
  );
}

/** A Field for a number: phones show their number keypad. */
export function NumberField(props: ComponentProps<typeof Field>) {
  return <Field type="number" inputMode="numeric" {...props} />;
}

/** A NumberField for a TCP or UDP port. */
export function PortField(props: ComponentProps<typeof Field>) {
  return <NumberField min={1} max={65535} {...props} />;
}

/** A Select's options: values shown as they are, or with a label each. */
export function Options({
  items,
}: {
  items: readonly (string | { readonly value: string; readonly label: string })[];
}) {
  return (
    <>
      {items.map((item) => {
        const { value, label } = typeof item === "string" ? { value: item, label: item } : item;
        return (
          <option key={value} value={value}>
            {label}
          </option>
        );
      })}
    </>
  );
}

/** A Select's options for named things (sites, classes…), after the empty choice `none`. */
export function NamedOptions({
  items,
  none,
}: {
  items: { id: string; name: string }[];
  none: string;
}) {
  return (
    <>
      <option value="">{none}</option>
      {items.map((item) => (
        <option key={item.id} value={item.id}>
          {item.name}
        </option>
      ))}
    </>
  );
}

export function Card({ children, className = "" }: { children: ReactNode; className?: string }) {
  return (
    <section className={`rounded-lg border border-line bg-surface p-5 shadow-sm ${className}`}>
      {children}
    </section>
  );
}

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="mb-6 flex flex-wrap items-center justify-between gap-3">
      <h1 className="text-2xl font-semibold text-fg">{title}</h1>
      {children}
    </div>
  );
}

export function Alert({
  kind = "error",
  children,
}: {
  kind?: "error" | "success" | "info";
  children: ReactNode;
}) {
  const styles = {
    error: "border-red-200 bg-red-50 text-red-800",
    success: "border-green-200 bg-green-50 text-green-800",
    info: "border-accent-soft bg-brand-50 text-accent-soft-fg",
  };
  return (
    <div
      role={kind === "error" ? "alert" : "status"}
      className={`rounded-md border px-3 py-2 text-sm ${styles[kind]}`}
    >
      {typeof children === "string" ? <WithBillingLink text={children} /> : children}
    </div>
  );
}

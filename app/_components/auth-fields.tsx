import { Field } from "./ui";

/** The email and password inputs of the sign-in family of forms, named as better-auth expects. */
export function EmailField({ error, defaultValue }: { error?: string; defaultValue?: string }) {
  return (
    <Field
      id="email"
      label="Email"
      type="email"
      autoComplete="email"
      required
      defaultValue={defaultValue}
      error={error}
    />
  );
}

export function PasswordField({
  error,
  isNew = false,
  label = "Password",
}: {
  error?: string;
  /** A password being chosen (sign-up, reset) rather than typed from memory. */
  isNew?: boolean;
  label?: string;
}) {
  return (
    <Field
      id="password"
      label={label}
      type="password"
      autoComplete={isNew ? "new-password" : "current-password"}
      required
      hint={isNew ? "At least 8 characters" : undefined}
      error={error}
    />
  );
}

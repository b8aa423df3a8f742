"use client";

import { useSearchParams } from "next/navigation";
import { Suspense, useState } from "react";
import { EmailField, PasswordField } from "@/app/_components/auth-fields";
import { AuthShell } from "@/app/_components/auth-shell";
import { Link } from "@/app/_components/link";
import { Alert, Button, Field } from "@/app/_components/ui";
import { authClient } from "@/app/_lib/auth-client";
import { checkInput } from "@/app/_lib/check-input";
import { formErrors } from "@/app/_lib/errors";
import { safeNext, verifyEmailHref, withNext } from "@/app/_lib/safe-next";
import { ZSignUpInput } from "@/server/api/shared";

function SignUpForm() {
  const params = useSearchParams();
  const next = safeNext(params.get("next"));
  const [error, setError] = useState<unknown>(null);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email"));
    const input = {
      name: String(form.get("name")),
      email,
      password: String(form.get("password")),
      callbackURL: next,
    };
    const invalid = checkInput(ZSignUpInput, input);
    setError(invalid);
    if (invalid) return;
    setPending(true);
    const { error } = await authClient.signUp.email(input);
    setPending(false);
    setError(error);
    if (!error) setSentTo(email);
  }

  const { message, fields } = formErrors(error);
  if (sentTo) {
    return (
      <AuthShell title="Check your email">
        <Alert kind="success">
          We sent a verification link to <strong>{sentTo}</strong>. Open it to finish signing up.
        </Alert>
        <p className="mt-4 text-sm">
          No email?{" "}
          <Link href={verifyEmailHref(sentTo, next)} className="text-link underline">
            Send it again
          </Link>
        </p>
      </AuthShell>
    );
  }
  return (
    <AuthShell
      title="Create your account"
      footer={
        <>
          Already have an account?{" "}
          <Link href={withNext("/sign-in", params.get("next"))} className="text-link underline">
            Sign in
          </Link>
        </>
      }
    >
      <form onSubmit={onSubmit} className="space-y-4" noValidate>
        {message && <Alert>{message}</Alert>}
        <Field id="name" label="Name" autoComplete="name" required error={fields.name} />
        <EmailField error={fields.email} />
        <PasswordField error={fields.password} isNew />
        <Button type="submit" className="w-full" disabled={pending}>
          {pending ? "Creating account…" : "Create account"}
        </Button>
      </form>
    </AuthShell>
  );
}

export default function SignUpPage() {
  return (
    <Suspense>
      <SignUpForm />
    </Suspense>
  );
}

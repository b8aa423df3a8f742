"use client";

import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { Suspense, useState } from "react";
import { EmailField, PasswordField } from "@/app/_components/auth-fields";
import { AuthShell } from "@/app/_components/auth-shell";
import { Alert, Button } from "@/app/_components/ui";
import { authClient } from "@/app/_lib/auth-client";
import { formErrors } from "@/app/_lib/errors";
import { safeNext } from "@/app/_lib/safe-next";

function SignInForm() {
  const router = useRouter();
  const params = useSearchParams();
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    const { error } = await authClient.signIn.email({
      email: String(form.get("email")),
      password: String(form.get("password")),
    });
    setPending(false);
    setError(error);
    if (!error) {
      router.push(safeNext(params.get("next")));
      router.refresh();
    }
  }

  const { message, fields } = formErrors(error);
  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      {params.get("reset") && (
        <Alert kind="success">Password changed. Sign in with the new one.</Alert>
      )}
      {message && <Alert>{message}</Alert>}
      <EmailField error={fields.email} />
      <PasswordField error={fields.password} />
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </Button>
      <p className="text-center text-sm">
        <Link href="/forgot-password" className="text-brand-700 underline">
          Forgot your password?
        </Link>
      </p>
    </form>
  );
}

export default function SignInPage() {
  return (
    <AuthShell
      title="Sign in"
      footer={
        <>
          New here?{" "}
          <Link href="/sign-up" className="text-brand-700 underline">
            Create an account
          </Link>
        </>
      }
    >
      <Suspense>
        <SignInForm />
      </Suspense>
    </AuthShell>
  );
}

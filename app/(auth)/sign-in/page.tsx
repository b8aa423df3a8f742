"use client";

import { useRouter, useSearchParams } from "next/navigation";
import { Suspense, useState } from "react";
import { EmailField, PasswordField } from "@/app/_components/auth-fields";
import { AuthShell } from "@/app/_components/auth-shell";
import { Link } from "@/app/_components/link";
import { Alert, Button } from "@/app/_components/ui";
import { authClient } from "@/app/_lib/auth-client";
import { checkInput } from "@/app/_lib/check-input";
import { formErrors } from "@/app/_lib/errors";
import { safeNext, verifyEmailHref, withNext } from "@/app/_lib/safe-next";
import { ZSignInInput } from "@/server/api/shared";

function SignInForm() {
  const router = useRouter();
  const params = useSearchParams();
  const next = safeNext(params.get("next"));
  const [error, setError] = useState<unknown>(null);
  const [email, setEmail] = useState("");
  const [pending, setPending] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const input = { email: String(form.get("email")), password: String(form.get("password")) };
    const invalid = checkInput(ZSignInInput, input);
    setError(invalid);
    setEmail(input.email);
    if (invalid) return;
    setPending(true);
    // An unverified address gets a new link, which comes back to `next` too.
    const { error } = await authClient.signIn.email({ ...input, callbackURL: next });
    setPending(false);
    setError(error);
    if (!error) {
      router.push(next);
      router.refresh();
    }
  }

  const { message, fields } = formErrors(error);
  // better-auth's answer for an address not verified yet (403 EMAIL_NOT_VERIFIED).
  const unverified = (error as { code?: string } | null)?.code === "EMAIL_NOT_VERIFIED";
  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      {params.get("reset") && (
        <Alert kind="success">Password changed. Sign in with the new one.</Alert>
      )}
      {message && <Alert>{message}</Alert>}
      {unverified && (
        <p className="text-sm">
          <Link href={verifyEmailHref(email, next)} className="text-link underline">
            Send a new verification email
          </Link>
        </p>
      )}
      <EmailField error={fields.email} />
      <PasswordField error={fields.password} />
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </Button>
      <p className="text-center text-sm">
        <Link href="/forgot-password" className="text-link underline">
          Forgot your password?
        </Link>
      </p>
    </form>
  );
}

function SignUpLink() {
  const next = useSearchParams().get("next");
  return (
    <Link href={withNext("/sign-up", next)} className="text-link underline">
      Create an account
    </Link>
  );
}

export default function SignInPage() {
  return (
    <AuthShell
      title="Sign in"
      footer={
        <>
          New here?{" "}
          <Suspense>
            <SignUpLink />
          </Suspense>
        </>
      }
    >
      <Suspense>
        <SignInForm />
      </Suspense>
    </AuthShell>
  );
}

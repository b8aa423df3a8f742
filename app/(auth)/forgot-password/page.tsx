"use client";

import { useState } from "react";
import { EmailField } from "@/app/_components/auth-fields";
import { AuthShell } from "@/app/_components/auth-shell";
import { Alert, Button } from "@/app/_components/ui";
import { authClient } from "@/app/_lib/auth-client";
import { checkInput } from "@/app/_lib/check-input";
import { formErrors } from "@/app/_lib/errors";
import { ZEmailInput } from "@/server/api/shared";

export default function ForgotPasswordPage() {
  const [error, setError] = useState<unknown>(null);
  const [sent, setSent] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email"));
    const invalid = checkInput(ZEmailInput, { email });
    setError(invalid);
    if (invalid) return;
    const { error } = await authClient.requestPasswordReset({
      email,
      redirectTo: "/reset-password",
    });
    setError(error);
    if (!error) setSent(true);
  }

  const { message, fields } = formErrors(error);
  return (
    <AuthShell title="Reset your password">
      {sent ? (
        <Alert kind="success">If an account exists for that address, we sent a reset link.</Alert>
      ) : (
        <form onSubmit={onSubmit} className="space-y-4" noValidate>
          {message && <Alert>{message}</Alert>}
          <EmailField error={fields.email} />
          <Button type="submit" className="w-full">
            Send reset link
          </Button>
        </form>
      )}
    </AuthShell>
  );
}

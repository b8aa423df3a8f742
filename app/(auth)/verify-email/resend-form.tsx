"use client";

import { useState } from "react";
import { EmailField } from "@/app/_components/auth-fields";
import { Alert, Button } from "@/app/_components/ui";
import { authClient } from "@/app/_lib/auth-client";
import { checkInput } from "@/app/_lib/check-input";
import { formErrors } from "@/app/_lib/errors";
import { ZEmailInput } from "@/server/api/shared";

/**
 * Sends a new verification link (better-auth's send-verification-email), which returns to
 * `next` once opened. The mail throttle answers 429 with how long to wait.
 */
export function ResendForm({ email, next }: { email: string; next: string }) {
  const [error, setError] = useState<unknown>(null);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const input = {
      email: String(new FormData(event.currentTarget).get("email")),
      callbackURL: next,
    };
    const invalid = checkInput(ZEmailInput, input);
    setError(invalid);
    setSentTo(null);
    if (invalid) return;
    setPending(true);
    const { error } = await authClient.sendVerificationEmail(input);
    setPending(false);
    setError(error);
    if (!error) setSentTo(input.email);
  }

  const { message, fields } = formErrors(error);
  return (
    <form onSubmit={onSubmit} className="mt-4 space-y-4" noValidate>
      <div aria-live="polite">
        {sentTo && (
          <Alert kind="success">
            If <strong>{sentTo}</strong> has an account waiting for verification, a new link is on
            its way.
          </Alert>
        )}
      </div>
      {message && <Alert>{message}</Alert>}
      <EmailField error={fields.email} defaultValue={email} />
      <Button type="submit" variant="secondary" className="w-full" disabled={pending}>
        {pending ? "Sending…" : "Resend email"}
      </Button>
    </form>
  );
}

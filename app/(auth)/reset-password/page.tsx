"use client";

import { useRouter, useSearchParams } from "next/navigation";
import { Suspense, useState } from "react";
import { PasswordField } from "@/app/_components/auth-fields";
import { AuthShell } from "@/app/_components/auth-shell";
import { Alert, Button } from "@/app/_components/ui";
import { authClient } from "@/app/_lib/auth-client";
import { checkInput } from "@/app/_lib/check-input";
import { formErrors } from "@/app/_lib/errors";
import { ZNewPasswordInput } from "@/server/api/shared";

function ResetForm() {
  const router = useRouter();
  const params = useSearchParams();
  const token = params.get("token");
  const [error, setError] = useState<unknown>(null);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = String(form.get("password"));
    const invalid = checkInput(ZNewPasswordInput, { password });
    setError(invalid);
    if (invalid) return;
    const { error } = await authClient.resetPassword({ newPassword: password, token: token ?? "" });
    setError(error);
    if (!error) router.push("/sign-in?reset=1");
  }

  if (!token || params.get("error")) {
    return <Alert>This reset link is invalid or has expired. Ask for a new one.</Alert>;
  }
  const { message, fields } = formErrors(error);
  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      {message && <Alert>{message}</Alert>}
      <PasswordField error={fields.password ?? fields.newPassword} isNew label="New password" />
      <Button type="submit" className="w-full">
        Change password
      </Button>
    </form>
  );
}

export default function ResetPasswordPage() {
  return (
    <AuthShell title="Choose a new password">
      <Suspense>
        <ResetForm />
      </Suspense>
    </AuthShell>
  );
}

import { AuthShell } from "@/app/_components/auth-shell";
import { Alert } from "@/app/_components/ui";
import { safeNext } from "@/app/_lib/safe-next";
import { ResendForm } from "./resend-form";

/**
 * Where a failed verification link lands (better-auth redirects here with ?error=), and
 * where a user asks for a new link (?email= and ?next= from sign-up or sign-in).
 */
export default async function VerifyEmailPage({
  searchParams,
}: {
  searchParams: Promise<{ error?: string; email?: string; next?: string }>;
}) {
  const { error, email, next } = await searchParams;
  return (
    <AuthShell title="Verify your email">
      {error ? (
        <Alert>This verification link is invalid or has expired. Ask for a new one below.</Alert>
      ) : (
        <Alert kind="info">Open the link we emailed you to verify your address.</Alert>
      )}
      <ResendForm email={typeof email === "string" ? email : ""} next={safeNext(next)} />
    </AuthShell>
  );
}

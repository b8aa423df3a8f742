import Link from "next/link";
import { AuthShell } from "@/app/_components/auth-shell";
import { Alert } from "@/app/_components/ui";

/** Where a failed verification link lands (better-auth redirects here with ?error=). */
export default async function VerifyEmailPage({
  searchParams,
}: {
  searchParams: Promise<{ error?: string }>;
}) {
  const { error } = await searchParams;
  return (
    <AuthShell title="Verify your email">
      {error ? (
        <Alert>
          This verification link is invalid or has expired. <Link href="/sign-in">Sign in</Link> to
          get a new one.
        </Alert>
      ) : (
        <Alert kind="info">Open the link we emailed you to verify your address.</Alert>
      )}
    </AuthShell>
  );
}

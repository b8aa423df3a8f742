import { TRPCError } from "@trpc/server";
import { headers } from "next/headers";
import { AuthShell } from "@/app/_components/auth-shell";
import { Alert, ButtonLink } from "@/app/_components/ui";
import { getCaller } from "@/app/_trpc/server";
import { getSessionUser } from "@/server/api/handlers";
import { AcceptInvitation } from "./accept-invitation";

export const metadata = { title: "Invitation" };

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const caller = await getCaller();
  const invitation = await caller.invitation.byToken({ token }).catch((error: unknown) => {
    if (error instanceof TRPCError && ["NOT_FOUND", "BAD_REQUEST"].includes(error.code))
      return null;
    throw error;
  });
  if (!invitation) {
    return (
      <AuthShell title="Invitation">
        <Alert>This invitation link is not valid.</Alert>
      </AuthShell>
    );
  }
  if (invitation.status !== "pending") {
    return (
      <AuthShell title="Invitation">
        <Alert>This invitation is {invitation.status}. Ask for a new one.</Alert>
      </AuthShell>
    );
  }
  const user = await getSessionUser(await headers());
  const here = `/invite/${token}`;
  return (
    <AuthShell title={`Join ${invitation.orgName}`}>
      <p className="mb-4 text-sm text-slate-700">
        You were invited to <strong>{invitation.orgName}</strong> as{" "}
        <strong>{invitation.role}</strong> ({invitation.email}).
      </p>
      {user ? (
        <AcceptInvitation token={token} signedInAs={user.email} invitedEmail={invitation.email} />
      ) : (
        <div className="flex gap-3">
          <ButtonLink href={`/sign-in?next=${encodeURIComponent(here)}`}>
            Sign in to accept
          </ButtonLink>
          <ButtonLink href={`/sign-up?next=${encodeURIComponent(here)}`} variant="secondary">
            Create account
          </ButtonLink>
        </div>
      )}
    </AuthShell>
  );
}

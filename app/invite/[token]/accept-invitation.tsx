"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { Alert, Button } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";

export function AcceptInvitation(props: {
  token: string;
  signedInAs: string;
  invitedEmail: string;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const accept = useMutation(
    trpc.invitation.accept.mutationOptions({
      onSuccess: ({ orgSlug }) => {
        router.push(`/o/${orgSlug}`);
        router.refresh();
      },
    }),
  );
  const mismatch = props.signedInAs.toLowerCase() !== props.invitedEmail.toLowerCase();
  return (
    <div className="space-y-3">
      {mismatch && (
        <Alert>
          You are signed in as {props.signedInAs}. Sign in as {props.invitedEmail} to accept.
        </Alert>
      )}
      {accept.error && <Alert>{accept.error.message}</Alert>}
      <Button
        onClick={() => accept.mutate({ token: props.token })}
        disabled={accept.isPending || mismatch}
      >
        Accept invitation
      </Button>
    </div>
  );
}

"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ConfirmButton } from "@/app/_components/confirm-button";
import { Alert } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";

export type RollbackOutcome =
  | { ok: true; revision: number; restored: number }
  | { ok: false; error: string };

/**
 * Restores the intent from before `revision` as a new revision, which rolls out like any
 * change. Everything that intent covers may change: rules, sites' settings, forwards, services.
 */
export function RollbackButton({
  orgSlug,
  rollout,
  onDone,
}: {
  orgSlug: string;
  rollout: { id: string; revision: number };
  onDone: (outcome: RollbackOutcome) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const rollback = useMutation(
    trpc.rollout.rollback.mutationOptions({
      onSuccess: (r) => onDone({ ok: true, ...r }),
      onError: (e) => onDone({ ok: false, error: e.message }),
      onSettled: () => {
        for (const key of [trpc.rollout.pathKey(), trpc.policy.pathKey(), trpc.site.pathKey()])
          queryClient.invalidateQueries({ queryKey: key });
      },
    }),
  );
  return (
    <ConfirmButton
      label="Roll back"
      ariaLabel={`Roll back revision ${rollout.revision}`}
      title={`Roll back revision ${rollout.revision}?`}
      disabled={rollback.isPending}
      onConfirm={() => rollback.mutate({ orgSlug, rolloutId: rollout.id })}
    >
      The rules, port forwards, services and site settings go back to what they were before revision{" "}
      {rollout.revision}. That becomes a new revision and rolls out to the devices.
    </ConfirmButton>
  );
}

/** What the last rollback did: the new revision it made, or why it failed. */
export function RollbackAlert({ outcome }: { outcome: RollbackOutcome | null }) {
  if (!outcome) return null;
  if (!outcome.ok) return <Alert>{outcome.error}</Alert>;
  return (
    <Alert kind="success">
      Revision {outcome.revision} restores revision {outcome.restored} and is rolling out.
    </Alert>
  );
}

"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Alert, Button } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";

const MUTES = [
  { minutes: 60, label: "Mute 1 h" },
  { minutes: 240, label: "Mute 4 h" },
  { minutes: 1_440, label: "Mute 24 h" },
];

/** Acknowledge, mute for a while, unmute: for the roles with incident.act. */
export function IncidentActions({
  orgSlug,
  incident,
  muted,
}: {
  orgSlug: string;
  incident: { id: string; status: string };
  muted: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = {
    onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.incidents.pathKey() }),
  };
  const acknowledge = useMutation(trpc.incidents.acknowledge.mutationOptions(refresh));
  const mute = useMutation(trpc.incidents.mute.mutationOptions(refresh));
  if (incident.status === "resolved") return null;
  const input = { orgSlug, incidentId: incident.id };
  const error = acknowledge.error ?? mute.error;
  const pending = acknowledge.isPending || mute.isPending;
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap gap-2">
        {incident.status === "open" && (
          <Button disabled={pending} onClick={() => acknowledge.mutate(input)}>
            Acknowledge
          </Button>
        )}
        {MUTES.map((m) => (
          <Button
            key={m.minutes}
            variant="secondary"
            disabled={pending}
            onClick={() => mute.mutate({ ...input, minutes: m.minutes })}
          >
            {m.label}
          </Button>
        ))}
        {muted && (
          <Button
            variant="secondary"
            disabled={pending}
            onClick={() => mute.mutate({ ...input, minutes: null })}
          >
            Unmute
          </Button>
        )}
      </div>
      {error && <Alert>{error.message}</Alert>}
    </div>
  );
}

"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Alert, Button, Card, Field, Select } from "@/app/_components/ui";
import { formErrors } from "@/app/_lib/errors";
import { useTRPC } from "@/app/_trpc/client";
import { assignableRoles, ROLE_LABELS } from "./roles";

export function InviteForm({ orgSlug, actorRole }: { orgSlug: string; actorRole: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [sentTo, setSentTo] = useState<string | null>(null);
  const invite = useMutation(
    trpc.invitation.create.mutationOptions({
      onSuccess: (inv) => {
        setSentTo(inv.email);
        queryClient.invalidateQueries({ queryKey: trpc.invitation.list.queryKey() });
      },
    }),
  );
  const { message, fields } = formErrors(invite.error);
  return (
    <Card>
      <h2 className="mb-3 font-semibold">Invite a member</h2>
      <form
        className="grid gap-3 sm:grid-cols-[1fr_12rem_auto] sm:items-end"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget);
          setSentTo(null);
          invite.mutate({
            orgSlug,
            email: String(form.get("invite-email")),
            role: String(form.get("invite-role")) as never,
          });
          e.currentTarget.reset();
        }}
      >
        <Field id="invite-email" label="Email" type="email" required error={fields.email} />
        <Select id="invite-role" label="Role" defaultValue="viewer">
          {assignableRoles(actorRole).map((r) => (
            <option key={r} value={r}>
              {ROLE_LABELS[r]}
            </option>
          ))}
        </Select>
        <Button type="submit" disabled={invite.isPending}>
          Send invitation
        </Button>
      </form>
      <div className="mt-3">
        {message && <Alert>{message}</Alert>}
        {sentTo && <Alert kind="success">Invitation sent to {sentTo}.</Alert>}
      </div>
    </Card>
  );
}

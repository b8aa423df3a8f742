"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { onSubmitRead } from "@/app/_components/form-data";
import { InlineFormCard } from "@/app/_components/form-extras";
import { Field, Options, Select } from "@/app/_components/ui";
import { checkInput } from "@/app/_lib/check-input";
import { formErrors } from "@/app/_lib/errors";
import { useTRPC } from "@/app/_trpc/client";
import { ZNewInvitation } from "@/server/api/shared";
import { roleChoices } from "./roles";

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
  const [invalid, setInvalid] = useState<unknown>(null);
  const { message, fields } = formErrors(invalid ?? invite.error);
  return (
    <InlineFormCard
      title="Invite a member"
      columns="sm:grid-cols-[1fr_12rem_auto]"
      onSubmit={onSubmitRead("invite-", (r, form) => {
        setSentTo(null);
        const input = { email: r.text("email"), role: r.text("role") as never };
        const bad = checkInput(ZNewInvitation, input);
        setInvalid(bad);
        if (bad) return;
        invite.mutate({ orgSlug, ...input });
        form.reset();
      })}
      submitLabel="Send invitation"
      pending={invite.isPending}
      message={message}
      success={sentTo && `Invitation sent to ${sentTo}.`}
    >
      <Field id="invite-email" label="Email" type="email" required error={fields.email} />
      <Select id="invite-role" label="Role" defaultValue="viewer">
        <Options items={roleChoices(actorRole)} />
      </Select>
    </InlineFormCard>
  );
}

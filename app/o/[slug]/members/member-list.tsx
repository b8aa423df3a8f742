"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ListCard } from "@/app/_components/list-card";
import { Td } from "@/app/_components/status-ui";
import { Button, Card, Options } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { ROLE_LABELS, roleChoices } from "./roles";

interface Props {
  orgSlug: string;
  actorRole: string;
  canUpdate: boolean;
  canRemove: boolean;
  canInvite: boolean;
}

export function MemberList({ orgSlug, actorRole, canUpdate, canRemove, canInvite }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const members = useQuery(trpc.member.list.queryOptions({ orgSlug }));
  const invitations = useQuery(trpc.invitation.list.queryOptions({ orgSlug }));
  const refresh = () => {
    queryClient.invalidateQueries({ queryKey: trpc.member.list.queryKey() });
    queryClient.invalidateQueries({ queryKey: trpc.invitation.list.queryKey() });
  };
  const changeRole = useMutation(trpc.member.changeRole.mutationOptions({ onSettled: refresh }));
  const remove = useMutation(trpc.member.remove.mutationOptions({ onSettled: refresh }));
  const revoke = useMutation(trpc.invitation.revoke.mutationOptions({ onSettled: refresh }));
  const ownerCount = members.data?.filter((m) => m.role === "owner").length ?? 0;
  // The last owner can be neither demoted nor removed (the server refuses too).
  const isLastOwner = (role: string) => role === "owner" && ownerCount === 1;
  const touchable = (role: string) =>
    (role !== "owner" || actorRole === "owner") && !isLastOwner(role);

  return (
    <>
      <ListCard
        title="People"
        rows={members.data}
        error={members.error ?? changeRole.error ?? remove.error ?? revoke.error}
        columns={["Name", "Email", "Role"]}
        rowData={(m) => ({ "data-testid": `member-${m.email}` })}
        cells={(m) => (
          <>
            <Td>{m.name}</Td>
            <Td>{m.email}</Td>
            <Td>
              {canUpdate && touchable(m.role) ? (
                <select
                  aria-label={`Role of ${m.email}`}
                  value={m.role}
                  onChange={(e) =>
                    changeRole.mutate({
                      orgSlug,
                      membershipId: m.id,
                      role: e.target.value as never,
                    })
                  }
                  className="rounded-md border border-slate-300 px-2 py-1"
                >
                  <Options items={roleChoices(actorRole)} />
                </select>
              ) : (
                ROLE_LABELS[m.role]
              )}
            </Td>
          </>
        )}
        actions={
          canRemove
            ? (m) =>
                touchable(m.role) && (
                  <Button
                    variant="danger"
                    aria-label={`Remove ${m.email}`}
                    onClick={() => remove.mutate({ orgSlug, membershipId: m.id })}
                  >
                    Remove
                  </Button>
                )
            : undefined
        }
      />
      {invitations.data && invitations.data.length > 0 && (
        <Card>
          <h2 className="mb-3 font-semibold">Pending invitations</h2>
          <ul className="divide-y divide-slate-100 text-sm">
            {invitations.data.map((inv) => (
              <li key={inv.id} className="flex items-center justify-between py-2">
                <span>
                  {inv.email} · {ROLE_LABELS[inv.role]} · expires{" "}
                  {inv.expiresAt.toLocaleDateString("en")}
                </span>
                {canInvite && (
                  <Button
                    variant="secondary"
                    onClick={() => revoke.mutate({ orgSlug, invitationId: inv.id })}
                  >
                    Revoke
                  </Button>
                )}
              </li>
            ))}
          </ul>
        </Card>
      )}
    </>
  );
}

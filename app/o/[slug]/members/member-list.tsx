"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, Button, Card } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { assignableRoles, ROLE_LABELS } from "./roles";

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
  const error = changeRole.error ?? remove.error ?? revoke.error;
  const ownerCount = members.data?.filter((m) => m.role === "owner").length ?? 0;
  // The last owner can be neither demoted nor removed (the server refuses too).
  const isLastOwner = (role: string) => role === "owner" && ownerCount === 1;

  return (
    <>
      <Card>
        <h2 className="mb-3 font-semibold">People</h2>
        {error && <Alert>{error.message}</Alert>}
        {members.isPending && <p className="text-sm text-slate-600">Loading…</p>}
        <table className="w-full text-left text-sm">
          <thead>
            <tr className="border-b border-slate-200 text-slate-600">
              <th className="py-2 font-medium">Name</th>
              <th className="py-2 font-medium">Email</th>
              <th className="py-2 font-medium">Role</th>
              {canRemove && (
                <th className="py-2 font-medium">
                  <span className="sr-only">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {members.data?.map((m) => {
              const touchable =
                (m.role !== "owner" || actorRole === "owner") && !isLastOwner(m.role);
              const editable = canUpdate && touchable;
              return (
                <tr
                  key={m.id}
                  className="border-b border-slate-100"
                  data-testid={`member-${m.email}`}
                >
                  <td className="py-2">{m.name}</td>
                  <td className="py-2">{m.email}</td>
                  <td className="py-2">
                    {editable ? (
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
                        {assignableRoles(actorRole).map((r) => (
                          <option key={r} value={r}>
                            {ROLE_LABELS[r]}
                          </option>
                        ))}
                      </select>
                    ) : (
                      ROLE_LABELS[m.role]
                    )}
                  </td>
                  {canRemove && (
                    <td className="py-2 text-right">
                      {touchable && (
                        <Button
                          variant="danger"
                          aria-label={`Remove ${m.email}`}
                          onClick={() => remove.mutate({ orgSlug, membershipId: m.id })}
                        >
                          Remove
                        </Button>
                      )}
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </Card>
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

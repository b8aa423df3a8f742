"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ListView } from "@/app/_components/list/list-view";
import type { RouterInputs } from "@/app/_components/list/router-inputs";
import { useList } from "@/app/_components/list/use-list";
import { Time } from "@/app/_components/local-time";
import { Td } from "@/app/_components/status-ui";
import { Button, Card, Options } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { PAGE_MAX } from "@/server/api/shared";
import { LIST_SPECS } from "../list-specs";
import { ROLE_LABELS, roleChoices } from "./roles";

const ROLE_FILTER = Object.entries(ROLE_LABELS).map(([value, label]) => ({ value, label }));

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
  const list = useList<RouterInputs["member"]["list"]>(LIST_SPECS.members);
  const members = useQuery(
    trpc.member.list.queryOptions(
      { orgSlug, ...list.input },
      { placeholderData: keepPreviousData },
    ),
  );
  // Owners counted over the whole org, not the page shown.
  const owners = useQuery(trpc.member.list.queryOptions({ orgSlug, role: "owner", limit: 1 }));
  const invitations = useQuery(trpc.invitation.list.queryOptions({ orgSlug, limit: PAGE_MAX }));
  const refresh = () => {
    queryClient.invalidateQueries({ queryKey: trpc.member.list.queryKey() });
    queryClient.invalidateQueries({ queryKey: trpc.invitation.list.queryKey() });
  };
  const changeRole = useMutation(trpc.member.changeRole.mutationOptions({ onSettled: refresh }));
  const remove = useMutation(trpc.member.remove.mutationOptions({ onSettled: refresh }));
  const revoke = useMutation(trpc.invitation.revoke.mutationOptions({ onSettled: refresh }));
  const ownerCount = owners.data?.total ?? 0;
  // The last owner can be neither demoted nor removed (the server refuses too).
  const isLastOwner = (role: string) => role === "owner" && ownerCount === 1;
  const touchable = (role: string) =>
    (role !== "owner" || actorRole === "owner") && !isLastOwner(role);

  return (
    <>
      <ListView
        list={list}
        title="People"
        noun={{ one: "member", many: "members" }}
        searchLabel="Search names and emails"
        filters={[{ name: "role", label: "Show role", options: ROLE_FILTER, any: "Any role" }]}
        exportPath={`/o/${orgSlug}/export/members`}
        data={members.data}
        stale={members.isPlaceholderData}
        empty="No members."
        error={members.error ?? changeRole.error ?? remove.error ?? revoke.error}
        columns={[
          { label: "Name", width: "30%" },
          { label: "Email", width: "40%" },
          { label: "Role", width: "20%" },
        ]}
        rowData={(m) => ({ "data-testid": `member-${m.email}` })}
        cells={(m) => (
          <>
            <Td className="truncate" title={m.name}>
              {m.name}
            </Td>
            <Td className="truncate" title={m.email}>
              {m.email}
            </Td>
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
      {invitations.data && invitations.data.items.length > 0 && (
        <Card>
          <h2 className="mb-3 font-semibold">Pending invitations</h2>
          <ul className="divide-y divide-slate-100 text-sm">
            {invitations.data.items.map((inv) => (
              <li key={inv.id} className="flex items-center justify-between py-2">
                <span>
                  {inv.email} · {ROLE_LABELS[inv.role]} · expires <Time value={inv.expiresAt} />
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

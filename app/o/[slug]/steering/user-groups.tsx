"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { CrudSection } from "@/app/_components/crud-section";
import { onSubmitRead } from "@/app/_components/form-data";
import { formErrorsFor } from "@/app/_components/form-errors-for";
import { FormFooter } from "@/app/_components/form-extras";
import { Td } from "@/app/_components/status-ui";
import { Field, TextArea } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { PAGE_MAX } from "@/server/api/shared";
import type { OverlayIntent } from "@/server/domains/overlay";
import { useIntentForm } from "../_overlay/use-intent-form";
import { useOverlayRefresh } from "../_overlay/use-refresh";
import { policiesGoToo } from "./policies-go-too";

export type UserGroup = OverlayIntent["userGroups"][number] & { policies?: number };

const FIELDS = ["name", "prefixes"] as const;

/** Users by source prefix: what a steering policy means by "these users". */
export function UserGroups({ orgSlug, canWrite }: { orgSlug: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const refresh = useOverlayRefresh();
  const list = useQuery(trpc.overlay.groups.list.queryOptions({ orgSlug, limit: PAGE_MAX }));
  return (
    <CrudSection
      title="User groups"
      description="Users by the prefixes their traffic comes from; a policy for a group applies to those sources."
      what={(g) => `user group ${g.name}`}
      query={{ data: list.data?.items, error: list.error }}
      empty="No user groups yet."
      headers={["Name", "Prefixes", "Policies"]}
      cells={(g) => (
        <>
          <Td className="font-medium">{g.name}</Td>
          <Td className="font-mono text-xs">{g.prefixes.join(", ")}</Td>
          <Td>{g.policies ?? 0}</Td>
        </>
      )}
      rowData={(g) => ({
        "data-testid": "user-group-row",
        "data-group-id": g.id,
        "data-name": g.name,
      })}
      canWrite={canWrite}
      remove={trpc.overlay.groups.delete.mutationOptions({ onSettled: refresh })}
      removeInput={(g) => ({ orgSlug, userGroupId: g.id })}
      deleteText={(g) => policiesGoToo(g.policies)}
      addTitle="Add a user group"
      form={(group, close) => <GroupForm orgSlug={orgSlug} group={group} onDone={close} />}
    />
  );
}

function GroupForm({
  orgSlug,
  group,
  onDone,
}: {
  orgSlug: string;
  group?: UserGroup;
  onDone?: () => void;
}) {
  const trpc = useTRPC();
  const { prefix, added, onSuccess } = useIntentForm("group", group, { onDone });
  const create = useMutation(trpc.overlay.groups.create.mutationOptions({ onSuccess }));
  const update = useMutation(trpc.overlay.groups.update.mutationOptions({ onSuccess }));
  const m = group ? update : create;
  const { message, fields } = formErrorsFor(m.error, FIELDS, "group.");
  return (
    <form
      aria-label={group ? `Edit user group ${group.name}` : "Add a user group"}
      className="space-y-3"
      noValidate
      onSubmit={onSubmitRead(prefix, (r) => {
        const input = { name: r.text("name"), prefixes: r.lines("prefixes") };
        if (group) update.mutate({ orgSlug, userGroupId: group.id, ...input });
        else create.mutate({ orgSlug, ...input });
      })}
    >
      <div key={added} className="grid gap-3 sm:grid-cols-2">
        <Field
          id={`${prefix}name`}
          label="Group name"
          defaultValue={group?.name ?? ""}
          placeholder="Call center"
          required
          error={fields.name}
        />
        <TextArea
          id={`${prefix}prefixes`}
          label="Source prefixes"
          rows={3}
          defaultValue={group?.prefixes.join("\n") ?? ""}
          placeholder={"10.1.20.0/24\n10.2.20.0/24"}
          hint="One IPv4 prefix per line"
          required
          error={fields.prefixes}
        />
      </div>
      <FormFooter
        message={message}
        success={!group && create.isSuccess && "User group added."}
        submitLabel={group ? "Save group" : "Add group"}
        pending={m.isPending}
        onCancel={onDone}
      />
    </form>
  );
}

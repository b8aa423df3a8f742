"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { ListCard } from "@/app/_components/list-card";
import { RowActions } from "@/app/_components/row-actions";
import { nextPriority } from "@/app/_components/scope-fields";
import { Badge, Td } from "@/app/_components/status-ui";
import { useIntentRefresh } from "@/app/_components/use-intent-refresh";
import { useTRPC } from "@/app/_trpc/client";
import { RuleAddForm } from "./rule-add-form";
import { RuleEditDialog } from "./rule-edit-dialog";
import { describePorts, type Rule } from "./rule-input";

/** The org's rules, first match wins in priority order; the add form when allowed. */
export function RuleTable({ orgSlug, canWrite }: { orgSlug: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const rules = useQuery(trpc.policy.list.queryOptions({ orgSlug }));
  const sites = useQuery(trpc.site.list.queryOptions({ orgSlug }));
  const [editing, setEditing] = useState<Rule | null>(null);
  const refresh = useIntentRefresh((t) => [t.policy.list.queryKey()]);
  const remove = useMutation(trpc.policy.delete.mutationOptions({ onSettled: refresh }));
  const siteList = sites.data?.map((s) => ({ id: s.id, name: s.name })) ?? [];
  const siteName = (id: string | null) =>
    id === null ? "All sites" : (siteList.find((s) => s.id === id)?.name ?? "(deleted site)");

  return (
    <>
      {/* Shown once rules and sites are in: its defaults (next priority, site list) need both. */}
      {canWrite && rules.data && sites.data && (
        <RuleAddForm orgSlug={orgSlug} sites={siteList} nextPriority={nextPriority(rules.data)} />
      )}
      <ListCard
        title="Rules"
        description="The first rule that matches decides; traffic no rule matches follows each site's default."
        rows={rules.data}
        error={rules.error ?? remove.error}
        empty="No rules yet."
        columns={[
          "Priority",
          "Applies to",
          "Action",
          "Source → destination",
          "Protocol",
          "Description",
        ]}
        rowData={(r) => ({
          "data-testid": "rule-row",
          "data-rule-id": r.id,
          "data-action": r.action,
          "data-priority": r.priority,
        })}
        cells={(r) => (
          <>
            <Td>{r.priority}</Td>
            <Td>{siteName(r.siteId)}</Td>
            <Td>
              <Badge tone={r.action === "deny" ? "red" : "green"}>{r.action}</Badge>
            </Td>
            <Td className="font-mono text-xs whitespace-nowrap">
              {r.src} → {r.dst}
            </Td>
            <Td className="font-mono text-xs whitespace-nowrap">{describePorts(r)}</Td>
            <Td>{r.description}</Td>
          </>
        )}
        actions={
          canWrite
            ? (r) => (
                <RowActions
                  what={`rule ${r.priority}`}
                  onEdit={() => setEditing(r)}
                  onDelete={() => remove.mutate({ orgSlug, ruleId: r.id })}
                  deleting={remove.isPending}
                >
                  {r.action} {r.src} → {r.dst} ({describePorts(r)}) stops applying once the change
                  rolls out.
                </RowActions>
              )
            : undefined
        }
      />
      {editing && (
        <RuleEditDialog
          orgSlug={orgSlug}
          rule={editing}
          sites={siteList}
          onClose={() => setEditing(null)}
        />
      )}
    </>
  );
}

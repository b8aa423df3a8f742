"use client";

import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { ListView } from "@/app/_components/list/list-view";
import type { RouterInputs } from "@/app/_components/list/router-inputs";
import { useList } from "@/app/_components/list/use-list";
import { RowActions } from "@/app/_components/row-actions";
import { nextPriority } from "@/app/_components/scope-fields";
import { Badge, Td } from "@/app/_components/status-ui";
import { useIntentRefresh } from "@/app/_components/use-intent-refresh";
import { useTRPC } from "@/app/_trpc/client";
import { PAGE_MAX } from "@/server/api/shared";
import { CHOICES, LIST_SPECS } from "../list-specs";
import { RuleAddForm } from "./rule-add-form";
import { RuleEditDialog } from "./rule-edit-dialog";
import { describePorts, type Rule } from "./rule-input";

/** The org's rules, first match wins in priority order; the add form when allowed. */
export function RuleTable({ orgSlug, canWrite }: { orgSlug: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const list = useList<RouterInputs["policy"]["list"]>(LIST_SPECS["policy-rules"]);
  const rules = useQuery(
    trpc.policy.list.queryOptions(
      { orgSlug, ...list.input },
      { placeholderData: keepPreviousData },
    ),
  );
  // The highest priority of all the rules, whichever page is shown: the next rule goes after.
  const last = useQuery(
    trpc.policy.list.queryOptions({ orgSlug, sort: "priority", order: "desc", limit: 1 }),
  );
  const sites = useQuery(trpc.site.list.queryOptions({ orgSlug, limit: PAGE_MAX }));
  const [editing, setEditing] = useState<Rule | null>(null);
  const refresh = useIntentRefresh((t) => [t.policy.list.queryKey()]);
  const remove = useMutation(trpc.policy.delete.mutationOptions({ onSettled: refresh }));
  const siteList = sites.data?.items.map((s) => ({ id: s.id, name: s.name })) ?? [];
  const siteName = (id: string | null) =>
    id === null ? "All sites" : (siteList.find((s) => s.id === id)?.name ?? "(deleted site)");

  return (
    <>
      {/* Shown once rules and sites are in: its defaults (next priority, site list) need both. */}
      {canWrite && last.data && sites.data && (
        <RuleAddForm
          orgSlug={orgSlug}
          sites={siteList}
          nextPriority={nextPriority(last.data.items)}
        />
      )}
      <ListView
        list={list}
        title="Rules"
        noun={{ one: "rule", many: "rules" }}
        description="The first rule that matches decides; traffic no rule matches follows each site's default."
        searchLabel="Search addresses and descriptions"
        filters={[
          { name: "action", label: "Action", options: CHOICES.ruleAction },
          {
            name: "siteId",
            label: "Site's own rules",
            options: siteList.map((s) => ({ value: s.id, label: s.name })),
            any: "All rules",
          },
        ]}
        exportPath={`/o/${orgSlug}/export/policy-rules`}
        data={rules.data}
        stale={rules.isPlaceholderData}
        error={rules.error ?? remove.error}
        empty="No rules yet."
        columns={[
          { label: "Priority", width: "7rem", sort: "priority" },
          { label: "Applies to", width: "14%" },
          { label: "Action", width: "6rem" },
          { label: "Source → destination", width: "26%" },
          { label: "Protocol", width: "10%" },
          { label: "Description", width: "auto" },
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
            <Td className="font-mono text-xs">
              {r.src} → {r.dst}
            </Td>
            <Td className="font-mono text-xs">{describePorts(r)}</Td>
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

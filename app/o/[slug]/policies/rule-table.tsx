"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ConfirmButton } from "@/app/_components/confirm-button";
import { Badge, TableWrap, Td, Th } from "@/app/_components/status-ui";
import { Alert, Button, Card } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { RuleAddForm } from "./rule-add-form";
import { RuleEditDialog } from "./rule-edit-dialog";
import { describePorts, type Rule } from "./rule-input";

/** The org's rules, first match wins in priority order; the add form when allowed. */
export function RuleTable({ orgSlug, canWrite }: { orgSlug: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const rules = useQuery(trpc.policy.list.queryOptions({ orgSlug }));
  const sites = useQuery(trpc.site.list.queryOptions({ orgSlug }));
  const [editing, setEditing] = useState<Rule | null>(null);
  const remove = useMutation(
    trpc.policy.delete.mutationOptions({
      onSettled: () => {
        queryClient.invalidateQueries({ queryKey: trpc.policy.list.queryKey() });
        queryClient.invalidateQueries({ queryKey: trpc.rollout.pathKey() });
      },
    }),
  );
  const siteList = sites.data?.map((s) => ({ id: s.id, name: s.name })) ?? [];
  const siteName = (id: string | null) =>
    id === null ? "All sites" : (siteList.find((s) => s.id === id)?.name ?? "(deleted site)");
  const last = rules.data?.at(-1)?.priority;
  const nextPriority = last === undefined ? 100 : Math.min(100_000, last + 10);

  return (
    <>
      {/* Shown once rules and sites are in: its defaults (next priority, site list) need both. */}
      {canWrite && rules.data && sites.data && (
        <RuleAddForm orgSlug={orgSlug} sites={siteList} nextPriority={nextPriority} />
      )}
      <Card>
        <h2 className="mb-1 font-semibold">Rules</h2>
        <p className="mb-3 text-sm text-slate-700">
          The first rule that matches decides; traffic no rule matches follows each site's default.
        </p>
        {(rules.error ?? remove.error) && <Alert>{(rules.error ?? remove.error)?.message}</Alert>}
        {rules.isPending && <p className="text-sm text-slate-600">Loading…</p>}
        {rules.data?.length === 0 && <p className="text-sm text-slate-600">No rules yet.</p>}
        {!!rules.data?.length && (
          <TableWrap label="Rules">
            <table className="w-full text-left text-sm">
              <thead>
                <tr className="border-b border-slate-200 text-slate-600">
                  <Th>Priority</Th>
                  <Th>Applies to</Th>
                  <Th>Action</Th>
                  <Th>Source → destination</Th>
                  <Th>Protocol</Th>
                  <Th>Description</Th>
                  {canWrite && (
                    <Th>
                      <span className="sr-only">Actions</span>
                    </Th>
                  )}
                </tr>
              </thead>
              <tbody>
                {rules.data.map((r) => (
                  <tr
                    key={r.id}
                    className="border-b border-slate-100"
                    data-testid="rule-row"
                    data-rule-id={r.id}
                    data-action={r.action}
                    data-priority={r.priority}
                  >
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
                    {canWrite && (
                      <Td className="text-right">
                        <div className="flex justify-end gap-2">
                          <Button
                            variant="secondary"
                            aria-label={`Edit rule ${r.priority}`}
                            onClick={() => setEditing(r)}
                          >
                            Edit
                          </Button>
                          <ConfirmButton
                            label="Delete"
                            ariaLabel={`Delete rule ${r.priority}`}
                            title={`Delete rule ${r.priority}?`}
                            disabled={remove.isPending}
                            onConfirm={() => remove.mutate({ orgSlug, ruleId: r.id })}
                          >
                            {r.action} {r.src} → {r.dst} ({describePorts(r)}) stops applying once
                            the change rolls out.
                          </ConfirmButton>
                        </div>
                      </Td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </Card>
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

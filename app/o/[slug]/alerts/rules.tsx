"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { CrudSection } from "@/app/_components/crud-section";
import { Badge, Td } from "@/app/_components/status-ui";
import { Button } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { PAGE_MAX } from "@/server/api/shared";
import { SeverityBadge } from "../incidents/incident-ui";
import { RuleForm, type RuleRow } from "./rule-form";
import type { SectionProps, SiteOption } from "./scope-fields";

/** A param's value as the table shows it. */
const shown = (v: unknown) => (Array.isArray(v) ? v.join(", ") || "all" : String(v));

function Scope({ rule, sites }: { rule: RuleRow; sites: SiteOption[] }) {
  const names = rule.siteIds.map((id) => sites.find((s) => s.id === id)?.name ?? "(deleted site)");
  if (names.length === 0 && rule.tags.length === 0) return <>Everywhere</>;
  return (
    <>
      {names.length > 0 && <span className="block">Sites: {names.join(", ")}</span>}
      {rule.tags.length > 0 && <span className="block">Tags: {rule.tags.join(", ")}</span>}
    </>
  );
}

/** The org's alert rules: enable, edit, delete, add one of a kind. */
export function Rules({ orgSlug, sites, canWrite }: SectionProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const rules = useQuery(
    trpc.alerts.rules.queryOptions({ orgSlug, limit: PAGE_MAX }, { refetchInterval: 15_000 }),
  );
  const kinds = useQuery(trpc.alerts.ruleKinds.queryOptions({ orgSlug }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.alerts.rules.queryKey() });
  const toggle = useMutation(trpc.alerts.updateRule.mutationOptions({ onSettled: refresh }));
  const form = (rule?: RuleRow, close?: () => void) =>
    kinds.data ? (
      <RuleForm orgSlug={orgSlug} kinds={kinds.data} sites={sites} rule={rule} onDone={close} />
    ) : null;
  return (
    <CrudSection
      title="Rules"
      description="What opens an incident. Each rule fires when its condition has held for its time, on the sites and device tags it names."
      what={(r) => `rule ${r.name}`}
      query={{ data: rules.data?.items, error: rules.error ?? kinds.error ?? toggle.error }}
      order={(a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name)}
      empty="No rules: nothing opens an incident."
      headers={[
        { label: "Rule", width: "auto" },
        { label: "Severity", width: "6rem" },
        { label: "Fires after", width: "6.5rem" },
        { label: "Thresholds", width: "16%" },
        { label: "Scope", width: "16%" },
        { label: "Enabled", width: "8rem" },
      ]}
      rowData={(r) => ({
        "data-testid": "alert-rule",
        "data-kind": r.kind,
        "data-enabled": String(r.enabled),
      })}
      cells={(r) => (
        <>
          <Td className="break-words">
            <span className="font-medium">{r.name}</span>
            <span className="block text-xs text-slate-600">{r.description}</span>
          </Td>
          <Td>
            <SeverityBadge severity={r.severity} />
          </Td>
          <Td className="tabular-nums">{r.forSeconds} s</Td>
          <Td className="break-words text-xs">
            {Object.entries(r.params).length === 0
              ? "—"
              : Object.entries(r.params).map(([k, v]) => (
                  <span key={k} className="block">
                    {k}: {shown(v)}
                  </span>
                ))}
          </Td>
          <Td className="break-words text-xs">
            <Scope rule={r} sites={sites} />
          </Td>
          <Td>
            <span className="inline-flex flex-wrap items-center gap-2">
              <Badge tone={r.enabled ? "green" : "slate"}>{r.enabled ? "On" : "Off"}</Badge>
              {canWrite && (
                <Button
                  variant="secondary"
                  className="px-2 py-1"
                  aria-label={`${r.enabled ? "Disable" : "Enable"} rule ${r.name}`}
                  disabled={toggle.isPending}
                  onClick={() => toggle.mutate({ orgSlug, ruleId: r.id, enabled: !r.enabled })}
                >
                  {r.enabled ? "Disable" : "Enable"}
                </Button>
              )}
            </span>
          </Td>
        </>
      )}
      canWrite={canWrite}
      remove={trpc.alerts.deleteRule.mutationOptions({ onSettled: refresh })}
      removeInput={(r) => ({ orgSlug, ruleId: r.id })}
      deleteText={() => "A deleted default rule does not come back; you can add one of its kind."}
      addTitle="Add a rule"
      form={form}
    />
  );
}

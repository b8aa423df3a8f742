"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { CrudSection } from "@/app/_components/crud-section";
import type { RouterInputs } from "@/app/_components/list/router-inputs";
import { useList } from "@/app/_components/list/use-list";
import { nextPriority } from "@/app/_components/scope-fields";
import { Badge, Td } from "@/app/_components/status-ui";
import { useTRPC } from "@/app/_trpc/client";
import { PAGE_MAX } from "@/server/api/shared";
import type { OverlayIntent } from "@/server/domains/overlay";
import { useOverlayRefresh } from "../_overlay/use-refresh";
import { LIST_SPECS } from "../list-specs";
import { PolicyForm } from "./policy-form";

export type SteeringPolicy = OverlayIntent["policies"][number];

const VIOLATION_LABEL = { best_effort: "best effort", hold: "hold" } as const;

/** Steering policies: which traffic prefers which paths, under which SLA, in priority order. */
export function SteeringPolicies({ orgSlug, canWrite }: { orgSlug: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const refresh = useOverlayRefresh();
  const paging = useList<RouterInputs["overlay"]["policies"]["list"]>(
    LIST_SPECS["steering-policies"],
  );
  const list = useQuery(
    trpc.overlay.policies.list.queryOptions(
      { orgSlug, ...paging.input },
      { placeholderData: keepPreviousData },
    ),
  );
  // The highest priority of all the policies, whichever page is shown: a new one goes after.
  const last = useQuery(
    trpc.overlay.policies.list.queryOptions({ orgSlug, sort: "priority", order: "desc", limit: 1 }),
  );
  const apps = useQuery(trpc.overlay.apps.list.queryOptions({ orgSlug, limit: PAGE_MAX }));
  const groups = useQuery(trpc.overlay.groups.list.queryOptions({ orgSlug, limit: PAGE_MAX }));
  const slas = useQuery(trpc.overlay.sla.list.queryOptions({ orgSlug, limit: PAGE_MAX }));
  const topo = useQuery(trpc.overlay.topology.queryOptions({ orgSlug }));

  const sites = topo.data?.sites ?? [];
  const ref = {
    apps: apps.data?.items ?? [],
    groups: groups.data?.items ?? [],
    slas: slas.data?.items ?? [],
    sites,
  };
  const nameOf = (list: { id: string; name: string }[], id: string | null, none: string) =>
    id === null ? none : (list.find((x) => x.id === id)?.name ?? "(deleted)");

  return (
    <CrudSection
      title="Steering policies"
      description="Evaluated in priority order (lower first) before each class's default; traffic a policy matches takes its preferred paths while they meet its SLA."
      what={(p) => `policy ${p.name}`}
      query={{ data: list.data?.items, error: list.error }}
      paged={{
        list: paging,
        noun: { one: "policy", many: "policies" },
        data: list.data,
        stale: list.isPlaceholderData,
        searchLabel: "Search policy names",
        exportPath: `/o/${orgSlug}/export/steering-policies`,
      }}
      empty="No steering policies yet: each class follows its SLA over the cheapest path that meets it."
      headers={[
        { label: "Priority", sort: "priority" },
        { label: "Name", sort: "name" },
        "Applies to",
        "Traffic",
        "Preferred paths",
        "SLA",
        "On violation",
        "State",
      ]}
      cells={(p) => (
        <>
          <Td className="tabular-nums">{p.priority}</Td>
          <Td className="font-medium">{p.name}</Td>
          <Td>{nameOf(sites, p.siteId, "All sites")}</Td>
          <Td className="text-xs">
            {p.appClassId && <div>class {nameOf(ref.apps, p.appClassId, "")}</div>}
            {p.userGroupId && <div>group {nameOf(ref.groups, p.userGroupId, "")}</div>}
            {p.srcPrefixes.length > 0 && (
              <div className="font-mono">from {p.srcPrefixes.join(", ")}</div>
            )}
          </Td>
          <Td className="text-xs">
            {p.preferred.length === 0 ? (
              "by SLA, then cost"
            ) : (
              <ol className="list-decimal pl-4">
                {p.preferred.map((pref, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: the order is the point
                  <li key={i}>
                    {nameOf(sites, pref.siteId, "")}
                    {pref.localLink && ` via local ${pref.localLink}`}
                    {pref.remoteLink && ` to ${pref.remoteLink}`}
                  </li>
                ))}
              </ol>
            )}
          </Td>
          <Td>{nameOf(ref.slas, p.slaClassId, "class's own")}</Td>
          <Td>{VIOLATION_LABEL[p.onViolation]}</Td>
          <Td>
            <Badge tone={p.enabled ? "green" : "slate"}>{p.enabled ? "enabled" : "disabled"}</Badge>
          </Td>
        </>
      )}
      rowData={(p) => ({
        "data-testid": "steering-policy-row",
        "data-policy-id": p.id,
        "data-name": p.name,
        "data-priority": String(p.priority),
        "data-enabled": String(p.enabled),
      })}
      canWrite={canWrite}
      remove={trpc.overlay.policies.delete.mutationOptions({ onSettled: refresh })}
      removeInput={(p) => ({ orgSlug, steeringPolicyId: p.id })}
      deleteText={() =>
        "Its traffic follows the other policies and the class defaults once the change rolls out."
      }
      addTitle="Add a steering policy"
      form={(policy, close) => (
        <PolicyForm
          orgSlug={orgSlug}
          policy={policy}
          refs={ref}
          defaultPriority={nextPriority(last.data?.items)}
          onDone={close}
        />
      )}
    />
  );
}

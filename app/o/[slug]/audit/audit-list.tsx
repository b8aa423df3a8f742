"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { ListView } from "@/app/_components/list/list-view";
import type { RouterInputs } from "@/app/_components/list/router-inputs";
import { useList } from "@/app/_components/list/use-list";
import { Time } from "@/app/_components/local-time";
import { Td } from "@/app/_components/status-ui";
import { useTRPC } from "@/app/_trpc/client";
import { CHOICES, LIST_SPECS } from "../list-specs";
import { actorLabel } from "./actor-label";
import { AuditChange } from "./audit-change";

/** The org's audit log, newest first: who did what to which object, filtered by each. */
export function AuditList({ orgSlug }: { orgSlug: string }) {
  const trpc = useTRPC();
  const list = useList<RouterInputs["audit"]["list"]>(LIST_SPECS.audit);
  const entries = useQuery(
    trpc.audit.list.queryOptions({ orgSlug, ...list.input }, { placeholderData: keepPreviousData }),
  );
  return (
    <ListView
      list={list}
      title="Entries"
      label="Audit log"
      noun={{ one: "entry", many: "entries" }}
      filters={[
        { name: "actor", label: "Who (email or id)" },
        { name: "actorKind", label: "Actor kind", options: CHOICES.actorKind },
        { name: "action", label: "Action (site.create…)" },
        { name: "targetType", label: "Object type" },
        { name: "targetId", label: "Object id" },
        { name: "since", label: "From (UTC)" },
        { name: "until", label: "To (UTC)" },
      ]}
      exportPath={`/o/${orgSlug}/export/audit`}
      data={entries.data}
      stale={entries.isPlaceholderData}
      error={entries.error}
      empty="Nothing has been changed yet."
      tableTestId="audit-table"
      columns={[
        { label: "When", width: "9.5rem", sort: "createdAt" },
        { label: "Who", width: "20%" },
        { label: "Action", width: "16%" },
        { label: "Object", width: "18%" },
        { label: "Change", width: "auto" },
      ]}
      rowData={(e) => ({ "data-testid": "audit-row", "data-action": e.action })}
      cells={(e) => (
        <>
          <Td className="whitespace-nowrap">
            <Time value={e.createdAt} show="absolute" />
          </Td>
          <Td className="truncate" title={actorLabel(e)}>
            {actorLabel(e)}
          </Td>
          <Td className="font-mono text-xs break-all">{e.action}</Td>
          <Td className="text-xs break-all">
            {e.targetType}
            {e.targetId && <span className="block font-mono text-slate-600">{e.targetId}</span>}
          </Td>
          <Td>
            <AuditChange before={e.before} after={e.after} />
          </Td>
        </>
      )}
    />
  );
}

"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Link } from "@/app/_components/link";
import { ListView } from "@/app/_components/list/list-view";
import type { RouterInputs } from "@/app/_components/list/router-inputs";
import { useList } from "@/app/_components/list/use-list";
import { Time } from "@/app/_components/local-time";
import { Badge, Td, type Tone } from "@/app/_components/status-ui";
import { useTRPC } from "@/app/_trpc/client";
import { CHOICES, LIST_SPECS } from "../list-specs";

const KIND_TONE: Record<string, Tone> = {
  failover: "amber",
  failback: "blue",
  path_down: "red",
  path_up: "green",
  sla_violation: "amber",
  sla_ok: "green",
};

/** What changed on the org's paths, newest first (the REST API's /path-events), live. */
export function PathEventList({ orgSlug }: { orgSlug: string }) {
  const trpc = useTRPC();
  const list = useList<RouterInputs["overlay"]["incidents"]>(LIST_SPECS["path-events"]);
  const events = useQuery(
    trpc.overlay.incidents.queryOptions(
      { orgSlug, ...list.input },
      { refetchInterval: 5_000, placeholderData: keepPreviousData },
    ),
  );
  return (
    <ListView
      list={list}
      title="Events"
      label="Path events"
      noun={{ one: "event", many: "events" }}
      filters={[{ name: "kind", label: "Kind", options: CHOICES.pathEventKind, any: "Any kind" }]}
      exportPath={`/o/${orgSlug}/export/path-events`}
      data={events.data}
      stale={events.isPlaceholderData}
      error={events.error}
      empty="No path events: every path has stayed as it was."
      columns={[
        { label: "When", width: "9.5rem", sort: "at" },
        { label: "Kind", width: "9rem" },
        { label: "Device", width: "16%" },
        { label: "Traffic", width: "14%" },
        { label: "Remote site", width: "14%" },
        { label: "Reason", width: "auto" },
      ]}
      rowData={(e) => ({ "data-testid": "path-event-row", "data-kind": e.kind })}
      cells={(e) => (
        <>
          <Td className="whitespace-nowrap">
            <Time value={new Date(e.at)} show="absolute" />
          </Td>
          <Td>
            <Badge tone={KIND_TONE[e.kind] ?? "slate"}>{e.kind.replace("_", " ")}</Badge>
          </Td>
          <Td className="truncate" title={e.device.hostname}>
            <Link href={`/o/${orgSlug}/devices/${e.device.id}`} className="underline">
              {e.device.hostname}
            </Link>
          </Td>
          <Td className="truncate" title={e.unitName}>
            {e.unitName}
          </Td>
          <Td className="truncate" title={e.remoteSite?.name}>
            {e.remoteSite?.name ?? "—"}
          </Td>
          <Td className="text-xs break-words">
            {e.reason}
            {(e.fromPath || e.toPath) && (
              <span className="block font-mono text-slate-600">
                {e.fromPath ?? "—"} → {e.toPath ?? "—"}
              </span>
            )}
          </Td>
        </>
      )}
    />
  );
}

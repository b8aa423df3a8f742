"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Link } from "@/app/_components/link";
import { ListView } from "@/app/_components/list/list-view";
import type { RouterInputs } from "@/app/_components/list/router-inputs";
import { useList } from "@/app/_components/list/use-list";
import { Badge, OnlineDot, Td } from "@/app/_components/status-ui";
import { useTRPC } from "@/app/_trpc/client";
import { CHOICES, LIST_SPECS } from "../list-specs";

/** Every device of the org, across its sites: searchable by hostname, live. */
export function DeviceList({ orgSlug }: { orgSlug: string }) {
  const trpc = useTRPC();
  const list = useList<RouterInputs["device"]["list"]>(LIST_SPECS.devices);
  const devices = useQuery(
    trpc.device.list.queryOptions(
      { orgSlug, ...list.input },
      { refetchInterval: 5_000, placeholderData: keepPreviousData },
    ),
  );
  return (
    <ListView
      list={list}
      title="All devices"
      label="Devices"
      noun={{ one: "device", many: "devices" }}
      searchLabel="Search hostnames"
      filters={[
        { name: "status", label: "Status", options: CHOICES.deviceStatus, any: "Any status" },
        { name: "online", label: "Online", options: CHOICES.yesNo },
        { name: "inSync", label: "In sync", options: CHOICES.yesNo },
      ]}
      exportPath={`/o/${orgSlug}/export/devices`}
      data={devices.data}
      stale={devices.isPlaceholderData}
      error={devices.error}
      empty="No devices yet. Enroll a box from its site's page."
      columns={[
        { label: "Hostname", width: "24%", sort: "hostname" },
        { label: "Site", width: "20%" },
        { label: "Status", width: "12%" },
        { label: "Online", width: "14%", sort: "lastSeenAt" },
        { label: "Version", width: "15%" },
        { label: "In sync", width: "15%" },
      ]}
      rowData={(d) => ({ "data-testid": "device-row", "data-device-id": d.id })}
      cells={(d) => (
        <>
          <Td className="truncate" title={d.hostname}>
            <Link
              href={`/o/${orgSlug}/devices/${d.id}`}
              className="font-medium text-brand-700 underline"
            >
              {d.hostname}
            </Link>
          </Td>
          <Td className="truncate" title={d.siteName}>
            <Link href={`/o/${orgSlug}/sites/${d.siteId}`} className="underline">
              {d.siteName}
            </Link>
          </Td>
          <Td>
            <Badge
              tone={d.status === "active" ? "green" : d.status === "pending" ? "amber" : "red"}
            >
              {d.status}
            </Badge>
          </Td>
          <Td>
            <OnlineDot online={d.online}>{d.online ? "online" : "offline"}</OnlineDot>
          </Td>
          <Td className="truncate font-mono text-xs" title={d.agentVersion ?? undefined}>
            {d.agentVersion ?? "—"}
          </Td>
          <Td>
            {d.status !== "active" ? (
              "—"
            ) : d.inSync ? (
              <Badge tone="green">in sync</Badge>
            ) : (
              <Badge tone="amber" title={`revision ${d.reportedRevision} of ${d.desiredRevision}`}>
                behind
              </Badge>
            )}
          </Td>
        </>
      )}
    />
  );
}

"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Link } from "@/app/_components/link";
import { ListView } from "@/app/_components/list/list-view";
import type { RouterInputs } from "@/app/_components/list/router-inputs";
import { useList } from "@/app/_components/list/use-list";
import { Time } from "@/app/_components/local-time";
import { NumTd, Td } from "@/app/_components/status-ui";
import { useNow } from "@/app/_components/use-now";
import { useTRPC } from "@/app/_trpc/client";
import { CHOICES, incidentStatus, LIST_SPECS } from "../list-specs";
import { duration, IncidentStatus, SeverityBadge } from "./incident-ui";

type Input = RouterInputs["incidents"]["list"];

const TITLES: Record<string, string> = {
  all: "All incidents",
  open: "Open incidents",
  acknowledged: "Acknowledged incidents",
  resolved: "Resolved incidents",
};

/** The org's incidents, newest first, the active ones unless told otherwise; live. */
export function IncidentList({ orgSlug }: { orgSlug: string }) {
  const trpc = useTRPC();
  const now = useNow(15_000);
  const list = useList<Input>(LIST_SPECS.incidents);
  const { status, ...rest } = list.input as Omit<Input, "orgSlug"> & { status?: string };
  const incidents = useQuery(
    trpc.incidents.list.queryOptions(
      { orgSlug, ...rest, status: incidentStatus(status) as Input["status"] },
      { refetchInterval: 5_000, placeholderData: keepPreviousData },
    ),
  );
  return (
    <ListView
      list={list}
      title={TITLES[status ?? ""] ?? "Active incidents"}
      label="Incidents"
      noun={{ one: "incident", many: "incidents" }}
      filters={[
        {
          name: "status",
          label: "Status",
          options: CHOICES.incidentStatus,
          any: "Active (open or acknowledged)",
        },
        { name: "severity", label: "Severity", options: CHOICES.severity, any: "Any severity" },
      ]}
      exportPath={`/o/${orgSlug}/export/incidents`}
      data={incidents.data}
      stale={incidents.isPlaceholderData}
      error={incidents.error}
      empty={
        <p>
          No active incidents: every rule is quiet.{" "}
          <Link href={`/o/${orgSlug}/incidents?status=all`} className="text-brand-700 underline">
            Show every incident
          </Link>
        </p>
      }
      tableTestId="incident-table"
      columns={[
        { label: "#", width: "4rem", sort: "number" },
        { label: "Severity", width: "6rem" },
        { label: "Title", width: "auto" },
        { label: "Site", width: "12%" },
        { label: "Status", width: "9rem" },
        { label: "Opened", width: "9.5rem", sort: "openedAt" },
        { label: "Duration", width: "6.5rem" },
        { label: "Active", className: "text-right", width: "4.5rem" },
      ]}
      rowData={(i) => ({
        "data-testid": "incident-row",
        "data-status": i.status,
        "data-number": i.number,
      })}
      cells={(i) => (
        <>
          <Td className="tabular-nums">
            <Link href={`/o/${orgSlug}/incidents/${i.id}`} className="underline">
              #{i.number}
            </Link>
          </Td>
          <Td>
            <SeverityBadge severity={i.severity} />
          </Td>
          <Td className="break-words">
            <Link href={`/o/${orgSlug}/incidents/${i.id}`} className="font-medium underline">
              {i.title}
            </Link>
          </Td>
          <Td className="truncate" title={i.siteName ?? undefined}>
            {i.siteId && i.siteName ? (
              <Link href={`/o/${orgSlug}/sites/${i.siteId}`} className="underline">
                {i.siteName}
              </Link>
            ) : (
              "—"
            )}
          </Td>
          <Td>
            <IncidentStatus incident={i} now={now} />
          </Td>
          <Td className="whitespace-nowrap">
            <Time value={i.openedAt} show="absolute" />
          </Td>
          <Td className="whitespace-nowrap tabular-nums">
            {duration(i.openedAt, i.resolvedAt, now)}
          </Td>
          <NumTd>{i.active}</NumTd>
        </>
      )}
    />
  );
}

"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "@/app/_components/link";
import { ListView } from "@/app/_components/list/list-view";
import type { RouterInputs } from "@/app/_components/list/router-inputs";
import { useList } from "@/app/_components/list/use-list";
import { Time } from "@/app/_components/local-time";
import { Td } from "@/app/_components/status-ui";
import { useTRPC } from "@/app/_trpc/client";
import { CHOICES, LIST_SPECS } from "../list-specs";
import { RollbackAlert, RollbackButton, type RollbackOutcome } from "./rollback-button";
import {
  NO_ROLLOUTS,
  RollbackMarker,
  RolloutBar,
  RolloutStatusBadge,
  rolloutData,
} from "./rollout-ui";

/** The newest rollouts, live, with a rollback for each when allowed. */
export function RolloutList({ orgSlug, canWrite }: { orgSlug: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const list = useList<RouterInputs["rollout"]["list"]>(LIST_SPECS.rollouts);
  const rollouts = useQuery(
    trpc.rollout.list.queryOptions(
      { orgSlug, ...list.input },
      { refetchInterval: 2_000, placeholderData: keepPreviousData },
    ),
  );
  const [outcome, setOutcome] = useState<RollbackOutcome | null>(null);
  return (
    <ListView
      list={list}
      title="Rollouts"
      noun={{ one: "rollout", many: "rollouts" }}
      filters={[
        { name: "status", label: "Status", options: CHOICES.rolloutStatus, any: "Any status" },
      ]}
      exportPath={`/o/${orgSlug}/export/rollouts`}
      data={rollouts.data}
      stale={rollouts.isPlaceholderData}
      error={rollouts.error}
      notices={<RollbackAlert outcome={outcome} />}
      empty={NO_ROLLOUTS}
      columns={[
        { label: "Revision", width: "18%", sort: "revision" },
        { label: "Status", width: "12%" },
        { label: "Progress", width: "20%" },
        { label: "Failed", width: "8%" },
        { label: "Started", width: "14%", sort: "startedAt" },
        { label: "Finished", width: "14%" },
      ]}
      rowData={(r) => ({ "data-testid": "rollout-row", ...rolloutData(r) })}
      cells={(r) => (
        <>
          <Td className="whitespace-nowrap">
            <Link
              href={`/o/${orgSlug}/rollouts/${r.id}`}
              className="font-medium text-brand-700 underline"
            >
              Revision {r.revision}
            </Link>{" "}
            {r.isRollback && <RollbackMarker />}
          </Td>
          <Td>
            <RolloutStatusBadge status={r.status} />
          </Td>
          <Td>
            <RolloutBar label={`Progress of revision ${r.revision}`} rollout={r} />
            <span className="text-xs text-slate-600">
              {r.succeeded}/{r.total}
              {r.canary > 0 && ` · ${r.canary} canary`}
            </span>
          </Td>
          <Td className={r.failed > 0 ? "font-medium text-red-800" : ""}>{r.failed}</Td>
          <Td className="whitespace-nowrap">
            <Time value={r.startedAt} />
          </Td>
          <Td className="whitespace-nowrap">
            <Time value={r.finishedAt} />
          </Td>
        </>
      )}
      actions={
        canWrite
          ? (r) =>
              r.status !== "superseded" && (
                <RollbackButton orgSlug={orgSlug} rollout={r} onDone={setOutcome} />
              )
          : undefined
      }
    />
  );
}

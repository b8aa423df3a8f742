"use client";

import Link from "next/link";
import { useState } from "react";
import { ListCard } from "@/app/_components/list-card";
import { Td } from "@/app/_components/status-ui";
import { formatTime } from "@/app/_components/time";
import { RollbackAlert, RollbackButton, type RollbackOutcome } from "./rollback-button";
import {
  NO_ROLLOUTS,
  RollbackMarker,
  RolloutBar,
  RolloutStatusBadge,
  rolloutData,
} from "./rollout-ui";
import { useRollouts } from "./use-rollouts";

/** The newest rollouts, live, with a rollback for each when allowed. */
export function RolloutList({ orgSlug, canWrite }: { orgSlug: string; canWrite: boolean }) {
  const rollouts = useRollouts(orgSlug);
  const [outcome, setOutcome] = useState<RollbackOutcome | null>(null);
  return (
    <ListCard
      title="Rollouts"
      rows={rollouts.data}
      error={rollouts.error}
      notices={<RollbackAlert outcome={outcome} />}
      empty={NO_ROLLOUTS}
      columns={[
        "Revision",
        "Status",
        { label: "Progress", className: "w-40" },
        "Failed",
        "Started",
        "Finished",
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
          <Td className="whitespace-nowrap">{formatTime(r.startedAt)}</Td>
          <Td className="whitespace-nowrap">{formatTime(r.finishedAt)}</Td>
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

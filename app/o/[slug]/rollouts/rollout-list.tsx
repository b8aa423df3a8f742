"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { ProgressBar, TableWrap, Td, Th } from "@/app/_components/status-ui";
import { formatTime } from "@/app/_components/time";
import { Alert, Card } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { RollbackButton } from "./rollback-button";
import { RollbackMarker, RolloutStatusBadge } from "./rollout-ui";

type Outcome = { ok: true; revision: number; restored: number } | { ok: false; error: string };

/** The newest 50 rollouts, polled every 2 s. */
export function RolloutList({ orgSlug, canWrite }: { orgSlug: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const rollouts = useQuery(
    trpc.rollout.list.queryOptions({ orgSlug }, { refetchInterval: 2_000 }),
  );
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  return (
    <Card>
      <h2 className="mb-3 font-semibold">Rollouts</h2>
      <div className="mb-3 space-y-2 empty:hidden">
        {rollouts.error && <Alert>{rollouts.error.message}</Alert>}
        {outcome?.ok === false && <Alert>{outcome.error}</Alert>}
        {outcome?.ok && (
          <Alert kind="success">
            Revision {outcome.revision} restores revision {outcome.restored} and is rolling out.
          </Alert>
        )}
      </div>
      {rollouts.isPending && <p className="text-sm text-slate-600">Loading…</p>}
      {rollouts.data?.length === 0 && (
        <p className="text-sm text-slate-600">
          No rollouts yet: one starts when a change reaches a device.
        </p>
      )}
      {!!rollouts.data?.length && (
        <TableWrap label="Rollouts">
          <table className="w-full text-left text-sm">
            <thead>
              <tr className="border-b border-slate-200 text-slate-600">
                <Th>Revision</Th>
                <Th>Status</Th>
                <Th className="w-40">Progress</Th>
                <Th>Failed</Th>
                <Th>Started</Th>
                <Th>Finished</Th>
                {canWrite && (
                  <Th>
                    <span className="sr-only">Actions</span>
                  </Th>
                )}
              </tr>
            </thead>
            <tbody>
              {rollouts.data.map((r) => (
                <tr
                  key={r.id}
                  className="border-b border-slate-100"
                  data-testid="rollout-row"
                  data-rollout-id={r.id}
                  data-revision={r.revision}
                  data-status={r.status}
                  data-succeeded={r.succeeded}
                  data-failed={r.failed}
                  data-total={r.total}
                >
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
                    <ProgressBar
                      label={`Progress of revision ${r.revision}`}
                      value={r.succeeded}
                      max={r.total}
                      failed={r.failed}
                    />
                    <span className="text-xs text-slate-600">
                      {r.succeeded}/{r.total}
                      {r.canary > 0 && ` · ${r.canary} canary`}
                    </span>
                  </Td>
                  <Td className={r.failed > 0 ? "font-medium text-red-800" : ""}>{r.failed}</Td>
                  <Td className="whitespace-nowrap">{formatTime(r.startedAt)}</Td>
                  <Td className="whitespace-nowrap">{formatTime(r.finishedAt)}</Td>
                  {canWrite && (
                    <Td className="text-right">
                      {r.status !== "superseded" && (
                        <RollbackButton orgSlug={orgSlug} rollout={r} onDone={setOutcome} />
                      )}
                    </Td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </Card>
  );
}

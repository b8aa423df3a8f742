"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Time } from "@/app/_components/local-time";
import { Alert, Card } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { RollbackAlert, RollbackButton, type RollbackOutcome } from "../rollback-button";
import { progressData, RolloutBadges, RolloutBar } from "../rollout-ui";
import { RolloutDevices } from "./rollout-devices";
import { RolloutDiff } from "./rollout-diff";

/** One rollout, live: polled every 2 s. */
export function RolloutDetail({
  orgSlug,
  rolloutId,
  canWrite,
}: {
  orgSlug: string;
  rolloutId: string;
  canWrite: boolean;
}) {
  const trpc = useTRPC();
  const query = useQuery(
    trpc.rollout.get.queryOptions({ orgSlug, rolloutId }, { refetchInterval: 2_000 }),
  );
  const [outcome, setOutcome] = useState<RollbackOutcome | null>(null);
  const r = query.data;
  if (query.error) return <Alert>{query.error.message}</Alert>;
  if (!r) return <p className="text-sm text-slate-600">Loading…</p>;
  return (
    <div className="space-y-6">
      {r.status === "halted" && (
        <div
          role="alert"
          data-testid="halt-reason"
          className="rounded-lg border-2 border-red-300 bg-red-50 p-4 text-red-900"
        >
          <p className="font-semibold">This rollout halted</p>
          <p className="mt-1 text-sm">{r.haltReason ?? "No reason was recorded."}</p>
          <p className="mt-2 text-sm">
            Devices that had not applied it stay on their revision. Fix the cause and make a new
            change, or roll back.
          </p>
        </div>
      )}
      <Card>
        <div className="space-y-3" data-testid="rollout-progress" {...progressData(r)}>
          <div className="flex flex-wrap items-center gap-2">
            <RolloutBadges rollout={r} />
            <span className="text-sm text-slate-700">
              {r.succeeded} of {r.total} applied · {r.failed} failed (halts at {r.failureThreshold})
              · {r.canary} canary
            </span>
            {canWrite && r.status !== "superseded" && (
              <span className="ml-auto">
                <RollbackButton orgSlug={orgSlug} rollout={r} onDone={setOutcome} />
              </span>
            )}
          </div>
          <RolloutBar label={`Rollout of revision ${r.revision}`} rollout={r} />
          <p className="text-xs text-slate-600">
            Started <Time value={r.startedAt} />
            {r.finishedAt && (
              <>
                {" "}
                · finished <Time value={r.finishedAt} />
              </>
            )}
          </p>
          <RollbackAlert outcome={outcome} />
        </div>
      </Card>
      <RolloutDiff orgSlug={orgSlug} rolloutId={rolloutId} devices={r.devices} />
      <RolloutDevices devices={r.devices} />
    </div>
  );
}

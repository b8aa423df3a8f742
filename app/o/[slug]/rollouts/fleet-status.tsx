"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ReactNode } from "react";
import { ProgressBar } from "@/app/_components/status-ui";
import { Alert, Card } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { RollbackMarker, RolloutStatusBadge } from "./rollout-ui";

/** The org's revision, its devices and how the newest rollout is going; polled every 2 s. */
export function FleetStatus({ orgSlug }: { orgSlug: string }) {
  const trpc = useTRPC();
  const status = useQuery(
    trpc.rollout.status.queryOptions({ orgSlug }, { refetchInterval: 2_000 }),
  );
  const rollouts = useQuery(
    trpc.rollout.list.queryOptions({ orgSlug }, { refetchInterval: 2_000 }),
  );
  const s = status.data;
  const latest = rollouts.data?.[0];
  return (
    <Card>
      <div className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
        <h2 className="font-semibold">Fleet status</h2>
        <Link href={`/o/${orgSlug}/rollouts`} className="text-sm text-brand-700 underline">
          All rollouts
        </Link>
      </div>
      {(status.error ?? rollouts.error) && (
        <Alert>{(status.error ?? rollouts.error)?.message}</Alert>
      )}
      {s && (
        <dl
          className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-4"
          data-testid="fleet-status"
          data-revision={s.revision}
          data-compiled={s.compiled}
          data-online={s.devices.online}
          data-active={s.devices.active}
          data-pending={s.devices.pending}
        >
          <Stat label="Revision">
            {s.revision}
            {s.compiled < s.revision && (
              <span className="block text-xs font-normal text-slate-600">compiling…</span>
            )}
          </Stat>
          <Stat label="Devices online">
            {s.devices.online}/{s.devices.active}
          </Stat>
          <Stat label="Awaiting approval">{s.devices.pending}</Stat>
          <Stat label="Canary, failure limit">
            {s.canaryPercent}%, {s.failureThreshold}
          </Stat>
        </dl>
      )}
      <div className="mt-4 border-t border-slate-100 pt-3">
        {rollouts.data && !latest && (
          <p className="text-sm text-slate-600">
            No rollouts yet: one starts when a change reaches a device.
          </p>
        )}
        {latest && (
          <div
            className="space-y-2"
            data-testid="latest-rollout"
            data-rollout-id={latest.id}
            data-revision={latest.revision}
            data-status={latest.status}
            data-succeeded={latest.succeeded}
            data-failed={latest.failed}
            data-total={latest.total}
          >
            <div className="flex flex-wrap items-center gap-2 text-sm">
              <span className="font-medium">Latest rollout: revision {latest.revision}</span>
              <RolloutStatusBadge status={latest.status} />
              {latest.isRollback && <RollbackMarker />}
              <Link
                href={`/o/${orgSlug}/rollouts/${latest.id}`}
                className="ml-auto text-brand-700 underline"
              >
                View rollout {latest.revision}
              </Link>
            </div>
            <ProgressBar
              label={`Rollout of revision ${latest.revision}`}
              value={latest.succeeded}
              max={latest.total}
              failed={latest.failed}
            />
            <p className="text-xs text-slate-700">
              {latest.succeeded} of {latest.total} applied
              {latest.failed > 0 && `, ${latest.failed} failed`}
            </p>
            {latest.status === "halted" && latest.haltReason && (
              <Alert>Halted: {latest.haltReason}</Alert>
            )}
          </div>
        )}
      </div>
    </Card>
  );
}

function Stat({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs text-slate-600">{label}</dt>
      <dd className="text-lg font-semibold">{children}</dd>
    </div>
  );
}

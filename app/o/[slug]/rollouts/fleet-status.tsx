"use client";

import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Link } from "@/app/_components/link";
import { Alert, Card } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { NO_ROLLOUTS, RolloutBadges, RolloutBar, rolloutData } from "./rollout-ui";
import { useRollouts } from "./use-rollouts";

/** The org's revision, its devices and how the newest rollout is going; polled every 2 s. */
export function FleetStatus({ orgSlug }: { orgSlug: string }) {
  const trpc = useTRPC();
  const status = useQuery(
    trpc.rollout.status.queryOptions({ orgSlug }, { refetchInterval: 2_000 }),
  );
  const rollouts = useRollouts(orgSlug);
  const s = status.data;
  const latest = rollouts.data?.items[0];
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
        {rollouts.data && !latest && <p className="text-sm text-slate-600">{NO_ROLLOUTS}</p>}
        {latest && (
          <div className="space-y-2" data-testid="latest-rollout" {...rolloutData(latest)}>
            <div className="flex flex-wrap items-center gap-2 text-sm">
              <span className="font-medium">Latest rollout: revision {latest.revision}</span>
              <RolloutBadges rollout={latest} />
              <Link
                href={`/o/${orgSlug}/rollouts/${latest.id}`}
                className="ml-auto text-brand-700 underline"
              >
                View rollout {latest.revision}
              </Link>
            </div>
            <RolloutBar label={`Rollout of revision ${latest.revision}`} rollout={latest} />
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

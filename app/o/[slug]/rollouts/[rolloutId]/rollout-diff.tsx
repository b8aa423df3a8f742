"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Alert, Card, Select } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { SectionDiffs } from "./section-diffs";

const since = (from: number | null) =>
  from === null ? "the first rollout: everything is new" : `compared with revision ${from}`;

/**
 * What a rollout changed: the org's intent (which rules, sites, … changed), then, for a
 * device picked from the rollout's, each section of its desired state. A revision's content
 * never changes, so these are fetched once, not polled.
 */
export function RolloutDiff({
  orgSlug,
  rolloutId,
  devices,
}: {
  orgSlug: string;
  rolloutId: string;
  devices: { id: string; hostname: string; siteName: string }[];
}) {
  const trpc = useTRPC();
  const intent = useQuery(
    trpc.rollout.intentDiff.queryOptions({ orgSlug, rolloutId }, { staleTime: Infinity }),
  );
  const [picked, setPicked] = useState("");
  const deviceId = picked || devices[0]?.id || "";
  const device = useQuery(
    trpc.rollout.deviceDiff.queryOptions(
      { orgSlug, rolloutId, deviceId },
      { enabled: deviceId !== "", staleTime: Infinity },
    ),
  );
  return (
    <>
      <Card>
        <h2 className="text-base font-semibold text-slate-900">What changed</h2>
        {intent.error && <Alert>{intent.error.message}</Alert>}
        {intent.data ? (
          <div className="mt-2 space-y-3" data-testid="intent-diff">
            <p className="text-xs text-slate-600">
              Revision {intent.data.revision}, {since(intent.data.fromRevision)}.
            </p>
            <SectionDiffs sections={intent.data.sections} empty="The intent did not change." />
          </div>
        ) : (
          !intent.error && <p className="mt-2 text-sm text-slate-600">Loading…</p>
        )}
      </Card>
      {devices.length > 0 && (
        <Card>
          <h2 className="text-base font-semibold text-slate-900">A device's config diff</h2>
          <div className="mt-2 max-w-sm">
            <Select
              id="diff-device"
              label="Device to compare"
              value={deviceId}
              onChange={(e) => setPicked(e.target.value)}
            >
              {devices.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.hostname} ({d.siteName})
                </option>
              ))}
            </Select>
          </div>
          {device.error && <Alert>{device.error.message}</Alert>}
          {device.data && device.data.deviceId === deviceId ? (
            <div className="mt-3 space-y-3" data-testid="device-diff" data-device-id={deviceId}>
              <p className="text-xs text-slate-600">
                {device.data.hostname}: revision {device.data.revision},{" "}
                {since(device.data.fromRevision)}.
              </p>
              <SectionDiffs
                sections={device.data.sections}
                empty="This device's config does not change."
              />
            </div>
          ) : (
            !device.error && <p className="mt-3 text-sm text-slate-600">Loading…</p>
          )}
        </Card>
      )}
    </>
  );
}

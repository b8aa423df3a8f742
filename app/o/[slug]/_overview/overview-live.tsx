"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Alert } from "@/app/_components/ui";
import { useNow } from "@/app/_components/use-now";
import { useTRPC } from "@/app/_trpc/client";
import { WindowPicker } from "../_charts/window-picker";
import { FleetTiles } from "./fleet-tiles";
import { OrgTiles } from "./org-tiles";
import { ThroughputTile } from "./throughput-tile";
import { TopSitesTile } from "./top-sites-tile";
import type { Overview } from "./types";
import { useMounted } from "./use-mounted";

/** How often the tiles refresh; TanStack Query pauses the interval while the tab is hidden. */
export const OVERVIEW_REFRESH_MS = 5_000;

type Window = "1h" | "24h";

/** The org's overview tiles, live: the server's first render, then a refetch every 5 s. */
export function OverviewLive({
  orgSlug,
  isMsp,
  canReadSeries,
  initial,
}: {
  orgSlug: string;
  isMsp: boolean;
  /** The role may read the time series (series.read): the top sites tile. */
  canReadSeries: boolean;
  initial: Overview;
}) {
  const trpc = useTRPC();
  const [window, setWindow] = useState<Window>("1h");
  const overview = useQuery(
    trpc.overview.get.queryOptions(
      { orgSlug, window },
      {
        initialData: window === initial.throughput.window ? initial : undefined,
        initialDataUpdatedAt: initial.generatedAt.getTime(),
        placeholderData: (prev) => prev,
        refetchInterval: OVERVIEW_REFRESH_MS,
        refetchIntervalInBackground: false,
      },
    ),
  );
  const data = overview.data ?? initial;
  return (
    <div className="space-y-4" data-testid="overview">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <Updated at={overview.dataUpdatedAt} stale={overview.isError} />
        <WindowPicker
          value={window}
          options={[
            { key: "1h", label: "Last hour" },
            { key: "24h", label: "Last day" },
          ]}
          onChange={setWindow}
          legend="Traffic window"
        />
      </div>
      {overview.error && <Alert>{overview.error.message}</Alert>}
      <FleetTiles orgSlug={orgSlug} data={data} />
      <ThroughputTile orgSlug={orgSlug} data={data} />
      <OrgTiles orgSlug={orgSlug} data={data} isMsp={isMsp}>
        {canReadSeries && <TopSitesTile orgSlug={orgSlug} window={window} />}
      </OrgTiles>
    </div>
  );
}

/** "Updated 3 s ago", after mount only (a server render would show its own clock). */
function Updated({ at, stale }: { at: number; stale: boolean }) {
  const now = useNow(1_000);
  const mounted = useMounted();
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  return (
    <p className="text-xs text-slate-600" data-testid="overview-updated" aria-live="off">
      {mounted
        ? `Updated ${seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min`} ago`
        : "Live"}
      {stale && " · could not refresh"}
    </p>
  );
}

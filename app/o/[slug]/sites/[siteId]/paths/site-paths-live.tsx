"use client";

import { useQuery } from "@tanstack/react-query";
import { Alert, Card } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { PathChart } from "./path-chart";
import { PathQuality } from "./path-quality";
import { PathTable } from "./path-table";
import { SelectionTable } from "./selection-table";

/** One live read of the site's overlay (every 5 s), drawn as paths, charts and selection. */
export function SitePathsLive({
  orgSlug,
  siteId,
  canReadSeries,
  canReadIncidents,
}: {
  orgSlug: string;
  siteId: string;
  canReadSeries: boolean;
  canReadIncidents: boolean;
}) {
  const trpc = useTRPC();
  const view = useQuery(
    trpc.overlay.sitePaths.queryOptions({ orgSlug, siteId }, { refetchInterval: 5_000 }),
  );
  if (view.error)
    return (
      <Card>
        <h2 className="mb-3 font-semibold">Paths</h2>
        <Alert>{view.error.message}</Alert>
      </Card>
    );
  if (!view.data)
    return (
      <Card>
        <h2 className="mb-3 font-semibold">Paths</h2>
        <p className="text-sm text-slate-600">Loading…</p>
      </Card>
    );
  const { paths, selection } = view.data;
  return (
    <>
      <PathTable paths={paths} />
      <PathChart orgSlug={orgSlug} siteId={siteId} paths={paths} />
      {canReadSeries && (
        <PathQuality
          orgSlug={orgSlug}
          siteId={siteId}
          paths={paths}
          canReadIncidents={canReadIncidents}
        />
      )}
      <SelectionTable selection={selection} paths={paths} />
    </>
  );
}

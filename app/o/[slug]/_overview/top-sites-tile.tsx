"use client";

import { useQuery } from "@tanstack/react-query";
import { useNow } from "@/app/_components/use-now";
import { useTRPC } from "@/app/_trpc/client";
import { windowRange } from "../_charts/shape";
import { fromBits, TopList } from "../_charts/top-list";
import { Tile } from "./tile";

/** The sites that moved the most WAN traffic in the overview's window (series.top). */
export function TopSitesTile({ orgSlug, window }: { orgSlug: string; window: "1h" | "24h" }) {
  const trpc = useTRPC();
  const now = useNow(60_000);
  const range = windowRange(window, now);
  const top = useQuery(
    trpc.series.top.queryOptions(
      { orgSlug, by: "site", limit: 5, ...range },
      { placeholderData: (prev) => prev },
    ),
  );
  const label = window === "1h" ? "last hour" : "last day";
  const items = top.data?.items ?? [];
  return (
    <Tile title={`Top sites, ${label}`} href={`/o/${orgSlug}/sites`} testId="tile-top-sites">
      {items.length > 0 ? (
        <TopList label={`Bytes per site, ${label}`} items={items.map(fromBits)} />
      ) : (
        <p className="text-sm text-fg-muted">
          {top.isPending
            ? "Loading…"
            : top.error
              ? top.error.message
              : `No site reported traffic in the ${label}.`}
        </p>
      )}
    </Tile>
  );
}

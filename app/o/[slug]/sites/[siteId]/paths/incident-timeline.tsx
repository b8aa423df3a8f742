"use client";

import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { Time } from "@/app/_components/local-time";
import { Badge, type Tone } from "@/app/_components/status-ui";
import { Alert, Button, Card } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { pathLabel } from "./path-label";

const KIND_TONE: Record<string, Tone> = {
  failover: "amber",
  failback: "blue",
  initial: "slate",
  path_down: "red",
  path_up: "green",
  sla_violation: "amber",
  sla_ok: "green",
};

const PAGE = 50;
const MAX = 200;

/** What changed on the site's paths, newest first: failovers, failbacks, paths down and up. */
export function IncidentTimeline({ orgSlug, siteId }: { orgSlug: string; siteId: string }) {
  const trpc = useTRPC();
  const [limit, setLimit] = useState(PAGE);
  const incidents = useQuery(
    trpc.overlay.incidents.queryOptions(
      { orgSlug, siteId, limit },
      { refetchInterval: 5_000, placeholderData: (prev) => prev },
    ),
  );
  // Shares the paths page's cached read (same key): names the paths in events.
  const view = useQuery(trpc.overlay.sitePaths.queryOptions({ orgSlug, siteId }));
  const pathText = useMemo(() => {
    const paths = new Map((view.data?.paths ?? []).map((p) => [p.id, p]));
    return (id: string | null) => {
      if (!id) return "none";
      const p = paths.get(id);
      return p ? pathLabel(p) : id;
    };
  }, [view.data]);
  const rows = incidents.data?.items ?? [];

  return (
    <Card>
      <h2 className="mb-1 font-semibold">Incident timeline</h2>
      <p className="mb-3 text-sm text-slate-700">
        Every path change the site's box made, and why; newest first.
      </p>
      {incidents.error && <Alert>{incidents.error.message}</Alert>}
      {incidents.isPending && <p className="text-sm text-slate-600">Loading…</p>}
      {rows.length === 0 && incidents.isSuccess && (
        <p className="text-sm text-slate-600">No incidents.</p>
      )}
      {rows.length > 0 && (
        <ol aria-label="Incidents" className="divide-y divide-slate-100">
          {rows.map((i) => (
            <li
              key={i.id}
              className="flex flex-col gap-1 py-2 text-sm sm:flex-row sm:gap-4"
              data-testid="incident-row"
              data-kind={i.kind}
            >
              <div className="shrink-0 sm:w-40">
                <span className="block whitespace-nowrap">
                  <Time value={i.at} show="absolute" />
                </span>
                <span className="text-xs text-slate-600">
                  <Time value={i.at} />
                </span>
              </div>
              <div className="min-w-0 flex-1">
                <div className="flex flex-wrap items-center gap-2">
                  <Badge tone={KIND_TONE[i.kind] ?? "slate"}>{i.kind.replace("_", " ")}</Badge>
                  <span className="font-medium">{i.unitName}</span>
                  {i.remoteSite && <span className="text-slate-600">to {i.remoteSite.name}</span>}
                </div>
                <p className="mt-1">{i.reason}</p>
                {(i.fromPath || i.toPath) && (
                  <p className="mt-1 text-xs text-slate-700">
                    <span className="text-slate-600">from</span> {pathText(i.fromPath)}{" "}
                    <span className="text-slate-600">to</span> {pathText(i.toPath)}
                  </p>
                )}
                <p className="text-xs text-slate-600">reported by {i.device.hostname}</p>
              </div>
            </li>
          ))}
        </ol>
      )}
      {incidents.data?.next && limit < MAX && (
        <Button
          variant="secondary"
          className="mt-3"
          disabled={incidents.isFetching}
          onClick={() => setLimit((l) => Math.min(MAX, l + PAGE))}
        >
          Show older
        </Button>
      )}
    </Card>
  );
}

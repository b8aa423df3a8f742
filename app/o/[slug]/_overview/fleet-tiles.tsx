import { Figure, Tile, type Tone } from "./tile";
import type { Overview } from "./types";

const toneOf = (bad: number, warn = 0): Tone => (bad > 0 ? "bad" : warn > 0 ? "warn" : "ok");

/** Sites, devices, incidents and paths: what needs a look now. */
export function FleetTiles({ orgSlug, data }: { orgSlug: string; data: Overview }) {
  const { sites, devices, incidents, paths, attention } = data;
  const base = `/o/${orgSlug}`;
  return (
    <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
      <Tile
        title="Sites"
        href={`${base}/sites`}
        tone={toneOf(sites.down, sites.degraded)}
        testId="tile-sites"
      >
        <div className="flex flex-wrap gap-x-4">
          <Figure value={sites.up} label="up" testId="sites-up" />
          <Figure value={sites.degraded} label="degraded" testId="sites-degraded" />
          <Figure value={sites.down} label="down" testId="sites-down" />
        </div>
        <p className="mt-1 text-xs text-slate-600">
          {sites.total} in all{sites.pending > 0 && `, ${sites.pending} without an enrolled device`}
        </p>
        {attention.length > 0 && (
          <ul className="mt-2 text-xs text-slate-700">
            {attention.map((s) => (
              <li key={s.id}>
                {s.name}: {s.state}
              </li>
            ))}
          </ul>
        )}
      </Tile>
      <Tile
        title="Devices"
        href={`${base}/rollouts`}
        tone={toneOf(devices.offline, devices.outOfSync)}
        testId="tile-devices"
      >
        <div className="flex flex-wrap gap-x-4">
          <Figure value={devices.outOfSync} label="out of sync" testId="devices-out-of-sync" />
          <Figure value={devices.offline} label="offline" testId="devices-offline" />
        </div>
        <p className="mt-1 text-xs text-slate-600">
          {devices.active} active{devices.pending > 0 && `, ${devices.pending} awaiting approval`}
        </p>
      </Tile>
      <Tile
        title="Open incidents"
        href={`${base}/incidents`}
        tone={toneOf(incidents.critical, incidents.open)}
        testId="tile-incidents"
      >
        <Figure value={incidents.open} label="open" testId="incidents-open" />
        <p className="mt-1 text-xs text-slate-600">
          {incidents.critical} critical, {incidents.warning} warning
          {incidents.acknowledged > 0 && `; ${incidents.acknowledged} acknowledged`}
        </p>
        <p className="mt-1 text-xs text-slate-600" data-testid="incidents-now">
          Now: {incidents.paths} path problems, {incidents.alerts} device alerts
        </p>
      </Tile>
      <Tile
        title="Paths failing their SLA"
        href={`${base}/topology`}
        tone={toneOf(paths.down, paths.failing)}
        testId="tile-paths"
      >
        <Figure
          value={paths.failing}
          label={`of ${paths.measured} measured`}
          testId="paths-failing"
        />
        <p className="mt-1 text-xs text-slate-600">
          {paths.down} down; {paths.total} paths in the overlay
        </p>
      </Tile>
    </div>
  );
}

// Reports written through the fleet's real ingest (writeOrgBatch with the areas' channels),
// as a device's messages would arrive: presence, applied state, path reports and events,
// usage counters.
import { expect } from "vitest";
import type { PathEvent, PathReport } from "../../protocol";
import { usageChannel } from "../../server/domains/billing/services/usage/usage-channel";
import { presenceChannel, stateChannel } from "../../server/domains/fleet/channel/core-channels";
import { addToBatch, newBatch, writeOrgBatch } from "../../server/domains/fleet/channel/ingest";
import { pathEventsChannel, pathsChannel } from "../../server/domains/overlay/ingest";
import { getDb } from "../../server/platform/db/client";
import { uid } from "../../testkit/factories/identity";

const now = () => new Date().toISOString();

async function write(orgId: string, fill: (b: ReturnType<typeof newBatch>) => void) {
  const b = newBatch();
  fill(b);
  expect(await writeOrgBatch(getDb(), orgId, b, () => {})).not.toBe("busy");
}

export const reportOnline = (orgId: string, deviceId: string, online = true) =>
  write(orgId, (b) =>
    addToBatch(b, presenceChannel, deviceId, { v: 1, online, at: now(), session: "ab".repeat(8) }),
  );

export const reportApplied = (orgId: string, deviceId: string, revision: number) =>
  write(orgId, (b) =>
    addToBatch(b, stateChannel, deviceId, {
      v: 1,
      revision,
      hash: null,
      status: "applied",
      error: null,
      appliedAt: now(),
    }),
  );

type PathInput = { id: string; state: "up" | "down"; latencyMs?: number; lossPct?: number };

export const reportPaths = (orgId: string, deviceId: string, paths: PathInput[]) =>
  write(orgId, (b) => {
    const report: PathReport = {
      v: 1,
      at: now(),
      paths: paths.map((p) => ({
        id: p.id,
        state: p.state,
        latencyMs: p.state === "up" ? (p.latencyMs ?? 20) : null,
        jitterMs: p.state === "up" ? 2 : null,
        lossPct: p.state === "up" ? (p.lossPct ?? 0) : 100,
        mos: p.state === "up" ? 4.3 : null,
        probesSent: 50,
        probesLost: p.state === "up" ? 0 : 50,
      })),
      selection: [],
    };
    addToBatch(b, pathsChannel, deviceId, report);
  });

type EventInput = Pick<PathEvent, "kind" | "unit" | "remoteSiteId">;

/** Events in the order given, a second apart (oldest first). */
export const reportEvents = (orgId: string, deviceId: string, events: EventInput[]) =>
  write(orgId, (b) => {
    const start = Date.now() - events.length * 1000;
    addToBatch(b, pathEventsChannel, deviceId, {
      v: 1,
      events: events.map((e, i) => ({
        ...e,
        id: `ev-${uid()}-${i}`,
        at: new Date(start + i * 1000).toISOString(),
        unitName: e.unit,
        fromPath: null,
        toPath: null,
        reason: e.kind,
      })),
    });
  });

/** Cumulative WAN counters of one agent run (the ingest adds the delta to the open hour). */
export const reportUsage = (orgId: string, deviceId: string, rx: number, tx: number) =>
  write(orgId, (b) =>
    addToBatch(b, usageChannel, deviceId, {
      v: 1,
      at: now(),
      metrics: { epoch: 1_700_000_000_000, rx_bytes: rx, tx_bytes: tx },
    }),
  );

/** Cumulative WAN and per-class counters ([name, rx, tx]) of one agent run. */
export const reportClassUsage = (
  orgId: string,
  deviceId: string,
  classes: [string, number, number][],
) =>
  write(orgId, (b) =>
    addToBatch(b, usageChannel, deviceId, {
      v: 1,
      at: now(),
      metrics: {
        epoch: 1_700_000_000_000,
        rx_bytes: classes.reduce((n, c) => n + c[1], 0),
        tx_bytes: classes.reduce((n, c) => n + c[2], 0),
        classes: classes.map(([name, rx, tx]) => ({ name, rx_bytes: rx, tx_bytes: tx })),
      },
    }),
  );

// `telemetry/dataplane`: a device's packet and drop rates (protocol/dataplane-telemetry.ts)
// into the tenant time series, in the org's ingest batch. Each device's newest report per
// batch: a rate that a later one of the same batch replaces is a rate of an earlier interval,
// and batches are a few tens of milliseconds apart.
import {
  DATAPLANE_TELEMETRY_KIND,
  DROP_REASON,
  DROPS_PREFIX,
  type Telemetry,
  ZTelemetry,
} from "../../../protocol";
import { latestPerDevice } from "../../platform/features/ingest-channels";
import { type SeriesPointInput, writeSeriesPoints } from "../../platform/series/write";

const RATES = ["rx_packets_per_second", "tx_packets_per_second"] as const;

/** Pure: the points of one report; negative rates and unknown names are left out. */
export function dataplanePoints(deviceId: string, t: Telemetry, nowMs: number) {
  const ts = new Date(Math.min(Date.parse(t.at), nowMs));
  const base = { deviceId, kind: "device", objectId: deviceId, ts } as const;
  const out: SeriesPointInput[] = [];
  for (const metric of RATES) {
    const value = t.metrics[metric];
    if (value !== undefined && value >= 0) out.push({ ...base, metric, value });
  }
  for (const [name, value] of Object.entries(t.metrics)) {
    if (!name.startsWith(DROPS_PREFIX) || value < 0) continue;
    const reason = name.slice(DROPS_PREFIX.length);
    if (DROP_REASON.test(reason))
      out.push({ ...base, metric: "drops_per_second", labels: { reason }, value });
  }
  return out;
}

export const dataplaneChannel = latestPerDevice({
  channel: "telemetry",
  kind: DATAPLANE_TELEMETRY_KIND,
  schema: ZTelemetry,
  skipRetained: true,
  async write(tx, orgId, latest) {
    const now = Date.now();
    const points = [...latest].flatMap(([deviceId, t]) => dataplanePoints(deviceId, t, now));
    await writeSeriesPoints(tx, orgId, points);
  },
});

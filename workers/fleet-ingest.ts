// Starts the ingest of device reports in a worker process, retrying until the broker
// answers (the worker may start before the fleet process). Returns a stop function.

import { getControlChannel } from "../server/domains/fleet/channel/control-channel";
import { FleetIngest } from "../server/domains/fleet/channel/ingest";
import type { Db } from "../server/platform/db/client";
import { env } from "../server/platform/env";

export function startFleetIngest(db: Db, log: (line: string) => void) {
  let ingest: FleetIngest | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const attempt = async (delay: number) => {
    try {
      const channel = await getControlChannel();
      if (stopped) return;
      // Both brokers serve shared subscriptions: N ingest workers split the reports.
      ingest = new FleetIngest(db, channel, { shared: true });
      await ingest.start();
      log(`fleet ingest subscribed at ${env.FLEET_MQTT_URL}`);
    } catch (error) {
      log(`fleet ingest not started (${(error as Error).message}); retrying`);
      if (!stopped) timer = setTimeout(() => attempt(Math.min(delay * 2, 30_000)), delay);
    }
  };
  void attempt(1000);
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await ingest?.stop();
  };
}

// Reads what the endpoint shows at each scrape: the agent's snapshot, the overlay's path
// report, the data plane's counters and the process's own figures. The overlay and the data
// plane are read in parallel, each bounded: a source that does not answer in time is marked
// down (patronus_agent_metrics_source_up) and its series are left out of that scrape.
// Path events are counted from the overlay's "event" emissions since this was made.
import {
  CAPABILITY_VERSION,
  type DeviceConfig,
  exposition,
  type PathEvent,
} from "../../../../protocol";
import type { AgentSnapshot } from "../agent";
import type { Driver } from "../drivers/driver";
import type { OverlayHost } from "../overlay/host";
import { withTimeout } from "../time";
import { appClassNames } from "../usage-classes";
import { AGENT_VERSION } from "../version";
import {
  type MetricsReading,
  metricFamilies,
  PATH_EVENT_KINDS,
  type PathEventKind,
} from "./families";

export interface MetricsSources {
  agent: { snapshot(): AgentSnapshot; readonly runningConfig: DeviceConfig | null };
  /** The overlay this agent runs, if any. */
  overlay?: OverlayHost;
  /** The data plane's driver; its counters are shown when it has them. */
  driver?: Pick<Driver, "counters">;
}

/** Bound on one reading of a source per scrape. */
export const SOURCE_TIMEOUT_MS = 2_000;

export class AgentMetrics {
  private readonly events = Object.fromEntries(PATH_EVENT_KINDS.map((k) => [k, 0])) as Record<
    PathEventKind,
    number
  >;
  private readonly onEvent = (e: PathEvent) => {
    this.events[e.kind]++;
  };

  constructor(
    private readonly s: MetricsSources,
    private readonly timeoutMs = SOURCE_TIMEOUT_MS,
  ) {
    s.overlay?.on("event", this.onEvent);
  }

  private read<T>(p: Promise<T> | undefined, what: string): Promise<T | null> {
    return p ? withTimeout(p, this.timeoutMs, what).catch(() => null) : Promise.resolve(null);
  }

  async reading(): Promise<MetricsReading> {
    const { overlay, driver } = this.s;
    const [report, counters] = await Promise.all([
      this.read(overlay?.report(), "the overlay's report"),
      this.read(driver?.counters?.(), "the data plane's counters"),
    ]);
    const cpu = process.cpuUsage();
    const mem = process.memoryUsage();
    return {
      version: AGENT_VERSION,
      capabilityVersion: CAPABILITY_VERSION,
      agent: this.s.agent.snapshot(),
      process: {
        cpuUserSeconds: cpu.user / 1e6,
        cpuSystemSeconds: cpu.system / 1e6,
        residentBytes: mem.rss,
        heapUsedBytes: mem.heapUsed,
        heapTotalBytes: mem.heapTotal,
        startTimeSeconds: Math.floor(performance.timeOrigin / 1000),
      },
      ...(overlay
        ? { overlay: { config: overlay.config, report, events: { ...this.events } } }
        : {}),
      ...(driver?.counters ? { dataplane: counters } : {}),
      classNames: appClassNames(this.s.agent.runningConfig),
    };
  }

  async text(): Promise<string> {
    return exposition(metricFamilies(await this.reading()));
  }

  /** Stops counting path events. */
  close() {
    this.s.overlay?.off("event", this.onEvent);
  }
}

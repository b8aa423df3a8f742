// WAN data transfer since the agent started, for `telemetry/usage` (docs/billing.md).
// A real box sums the kernel's byte counters of its WAN interfaces: the overlay's links
// when the desired state has an overlay, else the data plane's WAN link, read in
// dataplane.netns when the links live there (netnsReader). Each interface's
// counters are tallied against its previous reading, so the totals only grow: an
// interface that appears later starts from its first reading, one that is re-created
// (its counters restart) adds what it counted since, and one that is gone adds nothing.
// A simulated box (no kernel) counts synthetic traffic at a steady, modest rate. Reports
// carry the run's epoch, which must differ from every other run's (newEpoch). Bytes per
// application class ride along when the box can count them (usage-classes.ts).
import { execFileSync } from "node:child_process";
import { randomInt } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { DeviceConfig, UsageMetrics } from "../../../protocol";
import {
  advanceClassTally,
  advanceSimulatedTally,
  CLASS_READ_TIMEOUT_MS,
  type ClassSource,
  classesOf,
  newClassTally,
  readWithin,
  simulatedClassNames,
} from "./usage-classes";

export interface Counters {
  rx: number;
  tx: number;
}

/** An interface's byte counters now; null when the interface does not exist. */
export type CounterReader = (ifname: string) => Counters | null;

function readCounter(path: string): number | null {
  const n = Number(readFileSync(path, "utf8").trim());
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}

/** Reads /sys/class/net/<if>/statistics/{rx,tx}_bytes (`root` is configurable for tests). */
export function sysfsReader(root = "/sys/class/net"): CounterReader {
  return (ifname) => {
    try {
      const dir = join(root, ifname, "statistics");
      const rx = readCounter(join(dir, "rx_bytes"));
      const tx = readCounter(join(dir, "tx_bytes"));
      return rx === null || tx === null ? null : { rx, tx };
    } catch {
      return null;
    }
  };
}

/** The counters in `ip -j -s link show dev <if>` output; null when it has none. */
export function parseIpLinkStats(json: string): Counters | null {
  try {
    const [link] = JSON.parse(json) as {
      stats64?: { rx?: { bytes?: unknown }; tx?: { bytes?: unknown } };
    }[];
    const rx = link?.stats64?.rx?.bytes;
    const tx = link?.stats64?.tx?.bytes;
    const ok = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;
    return ok(rx) && ok(tx) ? { rx, tx } : null;
  } catch {
    return null;
  }
}

/**
 * The counters of interfaces in another network namespace (dataplane.netns: the agent
 * drives links it cannot see in its own /sys/class/net), read with `ip -n <netns>`.
 */
export function netnsReader(netns: string): CounterReader {
  return (ifname) => {
    try {
      const out = execFileSync("ip", ["-n", netns, "-j", "-s", "link", "show", "dev", ifname], {
        encoding: "utf8",
        timeout: 2_000,
        stdio: ["ignore", "pipe", "ignore"],
      });
      return parseIpLinkStats(out);
    } catch {
      return null; // no such interface or namespace (yet)
    }
  };
}

/** The WAN interfaces of a config: the overlay's links, else the data plane's WAN link. */
export function wanInterfaces(config: DeviceConfig | null | undefined): string[] {
  if (!config) return [];
  const links = config.overlay?.links ?? [];
  if (links.length) return [...new Set(links.map((l) => l.ifname))];
  return [config.interfaces.wan];
}

export interface Tally {
  total: Counters;
  /** Each interface's last reading. */
  last: Map<string, Counters>;
}

export const newTally = (): Tally => ({ total: { rx: 0, tx: 0 }, last: new Map() });

const grown = (prev: number, cur: number) => (cur >= prev ? cur - prev : cur);

/** Pure: the tally after one reading of each interface (null: it does not exist now). */
export function advanceTally(t: Tally, readings: ReadonlyMap<string, Counters | null>): Tally {
  const total = { ...t.total };
  const last = new Map<string, Counters>();
  for (const [ifname, cur] of readings) {
    if (!cur) continue;
    const prev = t.last.get(ifname);
    if (prev) {
      total.rx += grown(prev.rx, cur.rx);
      total.tx += grown(prev.tx, cur.tx);
    }
    last.set(ifname, cur);
  }
  return { total, last };
}

/** Bytes per second a simulated box receives: 20 to 80 kB/s, fixed per device. */
export function simulatedRate(seed: string): number {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619);
  return 20_000 + ((h >>> 0) % 60_001);
}

/** Pure: a simulated box's counters `elapsedMs` after its start (it sends 40% of rx). */
export function simulatedCounters(seed: string, elapsedMs: number): Counters {
  const rx = Math.floor((simulatedRate(seed) * Math.max(0, elapsedMs)) / 1000);
  return { rx, tx: Math.floor(rx * 0.4) };
}

export type UsageSource =
  | {
      kind: "wan";
      read: CounterReader;
      interfaces: () => string[];
      /** The data plane's per-class counters; absent: reports carry no `classes`. */
      classes?: ClassSource;
    }
  | {
      kind: "simulated";
      seed: string;
      /**
       * The config's class names (synthetic traffic is split over them; none: a demo set);
       * null while the box has no config, whose traffic waits for one.
       */
      classNames?: () => readonly string[] | null;
    };

/** The random part of an epoch: up to a minute, so runs on the same clock differ. */
export const EPOCH_JITTER_MS = 60_000;

/**
 * A run's epoch: its start time less a random part of a minute. The server tells runs
 * apart by the epoch alone (any other epoch is a restart), and a box without a real-time
 * clock can boot to the same time every run: two runs must never share one.
 */
export function newEpoch(now = Date.now()): number {
  return Math.max(1, now - randomInt(EPOCH_JITTER_MS));
}

/** The counters a usage report carries; report() (or sample()) at start takes the baseline. */
export class UsageMeter {
  private tally = newTally();
  private classTally = newClassTally();
  /** A simulated box's totals at the last sample: their growth is split over its classes. */
  private simulatedLast: Counters = { rx: 0, tx: 0 };
  /** Readings of the data plane's counters, one at a time and in order. */
  private reading: Promise<void> = Promise.resolve();
  /** A simulated box counts from here, not from the epoch (which is a little earlier). */
  private readonly startedAt: number;

  constructor(
    private readonly source: UsageSource,
    readonly epoch: number = newEpoch(),
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
  }

  /** The totals now, with the per-class counters of the last reading of them. */
  sample(): UsageMetrics {
    const s = this.source;
    if (s.kind === "simulated") {
      const c = simulatedCounters(s.seed, this.now() - this.startedAt);
      const configNames = s.classNames ? s.classNames() : [];
      // Before its first config a box does not know its classes: the bytes wait for it,
      // rather than going to demo names the config then replaces.
      if (configNames !== null) {
        const grew = { rx: c.rx - this.simulatedLast.rx, tx: c.tx - this.simulatedLast.tx };
        this.simulatedLast = c;
        const names = simulatedClassNames(configNames);
        this.classTally = advanceSimulatedTally(this.classTally, s.seed, names, grew);
      }
      return {
        epoch: this.epoch,
        rx_bytes: c.rx,
        tx_bytes: c.tx,
        classes: classesOf(this.classTally),
      };
    }
    const readings = new Map(s.interfaces().map((i) => [i, s.read(i)] as const));
    this.tally = advanceTally(this.tally, readings);
    return {
      epoch: this.epoch,
      rx_bytes: this.tally.total.rx,
      tx_bytes: this.tally.total.tx,
      // Only once the data plane's counters were read once (the baseline).
      ...(s.classes && this.classTally.last ? { classes: classesOf(this.classTally) } : {}),
    };
  }

  /**
   * Reads the data plane's per-class counters (bounded: a reading that fails or is late
   * leaves the tally as it was, to be caught up by the next one), then sample()s.
   */
  async report(): Promise<UsageMetrics> {
    const s = this.source;
    if (s.kind === "wan" && s.classes) {
      const classes = s.classes;
      this.reading = this.reading.then(async () => {
        const readings = await readWithin(classes.read, CLASS_READ_TIMEOUT_MS);
        if (readings)
          this.classTally = advanceClassTally(this.classTally, readings, classes.names());
      });
      await this.reading;
    }
    return this.sample();
  }
}

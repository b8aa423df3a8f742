// One device's agent: holds the MQTT channel (own reconnect with full-jitter backoff),
// presence (retained online + last will offline), heartbeats, desired-state intake, state
// reports and certificate renewal. Many instances share a process in simulations, so an
// instance is a handful of fields plus its mqtt client: no per-instance emitters or caches.
import { randomBytes } from "node:crypto";
import mqtt, { type IClientOptions, MqttClient } from "mqtt";
import {
  type ApplyStatus,
  DATAPLANE_TELEMETRY_KIND,
  type DeviceConfig,
  encodeMessage,
  type ReportedState,
  topics,
  USAGE_TELEMETRY_KIND,
} from "../../../protocol";
import { Applier } from "./applier";
import { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF } from "./backoff";
import { fetchServerTime, isDateError, SkewClock } from "./clock";
import { DataplaneRates } from "./dataplane-rates";
import { checkDesired } from "./desired";
import type { Driver } from "./drivers/driver";
import { type Logger, silentLogger } from "./log";
import type { OverlayHost } from "./overlay/host";
import { OverlayPublisher } from "./overlay/publisher";
import { type RenewalOptions, Renewer } from "./renewal";
import type { AgentStore, Credentials, DeviceIdentity } from "./store";
import { capabilitiesOf, type Subsystem, subsystemsOf } from "./subsystems";
import { settleWithin } from "./time";
import { tlsAtServerTime } from "./tls-at";
import { mtlsTransport, type Transport } from "./transport";
import {
  netnsReader,
  newEpoch,
  sysfsReader,
  UsageMeter,
  type UsageSource,
  wanInterfaces,
} from "./usage";
import { type AppCounterReader, appClassNames } from "./usage-classes";
import { AGENT_VERSION } from "./version";

export type { RenewalOptions };

export interface AgentOptions {
  identity: DeviceIdentity;
  /** Key, certificate and CAs; required by the default (mutual TLS) transport. */
  credentials?: Credentials | null;
  driver: Driver;
  /**
   * Tunnels, probes and path steering (started, i.e. with its key). Absent: the config's
   * overlay is ignored and nothing of it runs (simulated fleets).
   */
  overlay?: OverlayHost;
  store: AgentStore;
  /** Default: mqtts with the device certificate (transport.ts). */
  transport?: Transport;
  log?: Logger;
  heartbeatSeconds?: number;
  keepaliveSeconds?: number;
  /** Reported in heartbeats. */
  simulated?: boolean;
  agentVersion?: string;
  backoff?: BackoffOptions;
  renewal?: RenewalOptions | false;
  /** Bound on one apply (+ verify) and on one rollback. */
  applyTimeoutMs?: number;
  /** Subsystems of areas beyond the built-in ones (subsystems/index.ts). */
  subsystems?: readonly Subsystem[];
  /** Where `telemetry/usage` counts WAN bytes. Default: synthetic traffic on a simulated
   * box (simulated driver or overlay), else the WAN interfaces' counters in /sys. */
  usage?: UsageSource;
  /** The data plane's cumulative bytes per app id (Dataplane.appCounters()): with it, a real
   * box's usage reports carry bytes per application class (usage-classes.ts). */
  appCounters?: AppCounterReader;
  /** The network namespace the WAN interfaces are in, when not the agent's own
   * (dataplane.netns): their counters are read there. */
  wanNetns?: string;
  /** The portal (config portalUrl): where the agent asks for the control plane's time. */
  portalUrl?: string;
  /** The box's clock (default Date.now): clock.ts measures it against the control plane's. */
  clock?: () => number;
}

export interface AgentSnapshot {
  identity: string;
  deviceId: string;
  connected: boolean;
  revision: number;
  hash: string | null;
  status: ApplyStatus;
  error: string | null;
  attempted?: number;
  appliesTotal: number;
  applyFailuresTotal: number;
  reconnectsTotal: number;
  uptimeSeconds: number;
  /** The newest revision the control plane sent since the start (0: none yet). */
  desiredRevision: number;
  /** Desired states handled, by reported status (applier.ts). */
  outcomes: Readonly<Record<ApplyStatus, number>>;
  /** The last apply's duration in seconds (null: none since the start). */
  lastApplySeconds: number | null;
  /** When the last good config was applied (ISO; null: never since the start). */
  appliedAt: string | null;
}

const STABLE_MS = 10_000;
/** The portal's time is asked again this often, and at most this often after TLS date
 * errors (a box that cannot connect retries faster than that). */
const CLOCK_RECHECK_MS = 6 * 3600_000;
const CLOCK_RETRY_MS = 60_000;
const noop = () => undefined;

export class Agent {
  readonly identity: DeviceIdentity;
  private credentials: Credentials | null;
  private readonly o: AgentOptions;
  private readonly log: Logger;
  private readonly applier: Applier;
  private readonly subsystems: Subsystem[];
  private readonly renewer: Renewer;
  private readonly overlayPublisher: OverlayPublisher | null;
  private readonly startedAt = Date.now();
  /**
   * This process, in every presence it publishes: the control plane tells a restart (a new
   * session) from two boxes sharing one identity (two sessions taking turns).
   */
  private readonly session = randomBytes(8).toString("hex");
  private readonly usage: UsageMeter;
  /** Packet and drop rates on telemetry/dataplane; null when the driver counts nothing. */
  private readonly dataplaneRates: DataplaneRates | null;
  private client: MqttClient | null = null;
  private connectedNow = false;
  private everConnected = false;
  private stopped = false;
  private attempt = 0;
  private connectedAt = 0;
  private reconnectsTotal = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private connectWaiters: ((ok: boolean) => void)[] | null = null;
  private readonly clock: SkewClock;
  /** Set when the broker's certificate was not yet valid by the box's clock while the
   * control plane's time is later: its chain is then checked at that time (tls-at.ts). */
  private verifyAtServerTime = false;
  private clockCheck: Promise<void> | null = null;
  private clockCheckedAt = 0;
  private clockTimer: NodeJS.Timeout | null = null;

  constructor(o: AgentOptions) {
    this.o = o;
    this.identity = o.identity;
    this.credentials = o.credentials ?? null;
    this.log = o.log ?? silentLogger;
    this.clock = new SkewClock(this.log, o.clock);
    this.subsystems = subsystemsOf({
      driver: o.driver,
      ...(o.overlay ? { overlay: o.overlay } : {}),
      extra: o.subsystems,
    });
    this.applier = new Applier({
      deviceId: o.identity.deviceId,
      subsystems: this.subsystems,
      store: o.store,
      log: this.log,
      timeoutMs: o.applyTimeoutMs,
      onReport: (s) => this.publishReport(s),
    });
    const id = o.identity.identity;
    const simulated =
      (o.simulated ?? o.driver.kind === "simulated") || o.overlay?.simulated === true;
    const source: UsageSource =
      o.usage ??
      (simulated
        ? {
            kind: "simulated",
            seed: id,
            classNames: () => {
              const config = this.applier.good?.config;
              return config ? [...appClassNames(config).values()] : null;
            },
          }
        : {
            kind: "wan",
            read: o.wanNetns ? netnsReader(o.wanNetns) : sysfsReader(),
            interfaces: () => wanInterfaces(this.applier.good?.config),
            ...(o.appCounters
              ? {
                  classes: {
                    read: o.appCounters,
                    names: () => appClassNames(this.applier.good?.config),
                  },
                }
              : {}),
          });
    this.usage = new UsageMeter(source, newEpoch(this.startedAt));
    const driver = o.driver;
    this.dataplaneRates = driver.counters
      ? new DataplaneRates(async () => (await driver.counters?.()) ?? null)
      : null;
    this.overlayPublisher = o.overlay
      ? new OverlayPublisher(o.overlay, id, this.log.child({ component: "overlay" }))
      : null;
    this.renewer = new Renewer(
      {
        identity: id,
        log: this.log,
        credentials: () => this.credentials,
        connected: () => this.connectedNow,
        sendCsr: async (csr) => {
          if (!this.client) throw new Error("not connected");
          await this.client.publishAsync(topics.csr(id), encodeMessage("csr", { v: 1, csr }), {
            qos: 1,
          });
        },
        install: (next) => this.installCredentials(next),
        now: () => this.clock.now(),
        localNow: () => this.clock.local(),
        observeServerTime: (serverMs, localMs) =>
          this.observeClock(serverMs, localMs, "certificate"),
      },
      o.renewal || {},
    );
  }

  get connected(): boolean {
    return this.connectedNow;
  }

  /** The config running now (the last good one), null before the first. */
  get runningConfig(): DeviceConfig | null {
    return this.applier.good?.config ?? null;
  }

  /** Restores and applies the last good config, then connects in the background. */
  async start(): Promise<void> {
    await this.applier.restore();
    await this.usage.report(); // the baseline: usage counts from the agent's start
    this.connect();
    // Renewals are timed on the control plane's clock: ask for it first (bounded; without
    // an answer the box's clock stands in, and certificate messages correct it later).
    const checked = this.checkClock();
    this.clockTimer = setInterval(() => void this.checkClock(), CLOCK_RECHECK_MS);
    this.clockTimer.unref();
    if (this.o.renewal !== false) void checked.finally(() => this.renewer.schedule());
  }

  // --- the box's clock (clock.ts) ----------------------------------------------------

  /** Server minus box, ms (positive: the box is behind); null before any measurement. */
  get clockOffsetMs(): number | null {
    return this.clock.offsetMs;
  }

  /** Asks the portal for its time (one request at a time); never throws. */
  private checkClock(): Promise<void> {
    const url = this.o.portalUrl;
    if (!url || this.stopped) return Promise.resolve();
    this.clockCheck ??= fetchServerTime(url, this.clock.local)
      .then(({ serverMs, localMs }) => this.observeClock(serverMs, localMs, "portal"))
      .catch((e: Error) =>
        this.log.warn("could not ask the portal for its time", { url, error: e.message }),
      )
      .finally(() => {
        this.clockCheck = null;
        this.clockCheckedAt = this.clock.local();
      });
    return this.clockCheck;
  }

  private observeClock(serverMs: number, localMs: number, source: string) {
    // A changed measurement goes out at once (heartbeats carry it), not in 30 s.
    if (this.clock.observe(serverMs, localMs, source)) this.heartbeat();
  }

  /**
   * The broker's certificate failed on its dates. The usual cause is this box's clock: ask
   * the control plane's time and, if it is later than the box's, check the broker's chain
   * at that time from the next attempt on (tls-at.ts). An expired certificate stays refused.
   */
  private async onTlsDateError(e: Error & { code?: unknown }) {
    if (this.clock.local() - this.clockCheckedAt >= CLOCK_RETRY_MS) await this.checkClock();
    const offset = this.clock.offsetMs;
    const fields = { error: e.message, code: e.code, offsetMs: offset };
    if (offset === null) {
      this.log.error(
        "the broker's certificate is not valid by this box's clock, and the control plane's " +
          "time could not be had to check the clock: is the clock right (NTP)?",
        fields,
      );
      return;
    }
    if (e.code === "CERT_NOT_YET_VALID" && offset > 0 && !this.verifyAtServerTime) {
      this.verifyAtServerTime = true;
      this.log.warn(
        "the broker's certificate is not yet valid by this box's clock; checking it against " +
          "the control plane's time instead",
        fields,
      );
    } else if (!this.verifyAtServerTime)
      this.log.error("the broker's certificate is not valid by this box's clock", fields);
  }

  /** Waits for the current apply queue to empty (tests, orderly shutdown). */
  idle(): Promise<void> {
    return this.applier.idle();
  }

  /** Resolves true once connected, false on timeout or stop. */
  whenConnected(timeoutMs = 30_000): Promise<boolean> {
    if (this.connectedNow) return Promise.resolve(true);
    if (this.stopped) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.connectWaiters ??= [];
      this.connectWaiters.push((ok) => {
        clearTimeout(timer);
        resolve(ok);
      });
    });
  }

  private settleWaiters(ok: boolean) {
    const w = this.connectWaiters;
    this.connectWaiters = null;
    if (w) for (const f of w) f(ok);
  }

  snapshot(): AgentSnapshot {
    const r = this.applier.report;
    return {
      identity: this.identity.identity,
      deviceId: this.identity.deviceId,
      connected: this.connectedNow,
      revision: r.revision,
      hash: r.hash,
      status: r.status,
      error: r.error,
      ...(r.attempted === undefined ? {} : { attempted: r.attempted }),
      appliesTotal: this.applier.appliesTotal,
      applyFailuresTotal: this.applier.applyFailuresTotal,
      reconnectsTotal: this.reconnectsTotal,
      uptimeSeconds: Math.floor((Date.now() - this.startedAt) / 1000),
      desiredRevision: this.applier.desiredRevision,
      outcomes: { ...this.applier.outcomes },
      lastApplySeconds: this.applier.lastApplySeconds,
      appliedAt: this.applier.appliedAt,
    };
  }

  // --- connection -------------------------------------------------------------------

  private connect() {
    if (this.stopped || this.client) return;
    const id = this.identity.identity;
    let target: ReturnType<Transport>;
    try {
      target = (this.o.transport ?? mtlsTransport())(this.identity, this.credentials);
    } catch (e) {
      this.log.error("cannot build the broker connection", { error: e });
      this.scheduleReconnect();
      return;
    }
    const will = {
      v: 1,
      online: false,
      at: new Date(this.clock.now()).toISOString(),
      session: this.session,
    };
    const options: IClientOptions = {
      ...target.options,
      clientId: id,
      // MQTT 3.1.1: what both brokers speak (Aedes has no MQTT 5).
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 0, // reconnects are ours: backoff with jitter
      connectTimeout: 15_000,
      keepalive: this.o.keepaliveSeconds ?? 60,
      will: {
        topic: topics.presence(id),
        payload: encodeMessage("presence", will),
        qos: 1,
        retain: true,
      },
    };
    const client = this.verifyAtServerTime
      ? this.connectAtServerTime(target.url, options)
      : mqtt.connect(target.url, options);
    this.client = client;
    client.on("connect", () => this.onConnect(client));
    client.on("message", (topic, payload, packet) => this.onMessage(topic, payload, packet.retain));
    client.on("close", () => this.onClose(client));
    client.on("error", (e) => {
      if (isDateError(e)) void this.onTlsDateError(e);
      const fields = { error: e.message, attempt: this.attempt };
      if (this.attempt <= 1) this.log.warn("broker connection error", fields);
      else this.log.debug("broker connection error", fields);
    });
  }

  /** mqtts with the broker's chain checked at the control plane's time (tls-at.ts). */
  private connectAtServerTime(url: string, options: IClientOptions): MqttClient {
    const u = new URL(url);
    if (u.protocol !== "mqtts:") return mqtt.connect(url, options);
    const host = u.hostname.replace(/^\[|\]$/g, "");
    return new MqttClient(
      () =>
        tlsAtServerTime({
          host,
          port: Number(u.port || 8883),
          key: String(options.key),
          cert: String(options.cert),
          ca: String(options.ca),
          serverNow: () => this.clock.now(),
          localNow: this.clock.local,
        }),
      { ...options, protocol: "mqtts", host, port: Number(u.port || 8883) },
    );
  }

  // Presence and heartbeats are dated on corrected time (the portal shows "last seen" from
  // them), like the last will.
  private onConnect(client: MqttClient) {
    if (client !== this.client) return;
    const id = this.identity.identity;
    if (this.everConnected) this.reconnectsTotal++;
    this.everConnected = true;
    this.connectedNow = true;
    this.connectedAt = Date.now();
    this.log.info("connected to broker", { reconnects: this.reconnectsTotal });
    const presence = {
      v: 1,
      online: true,
      at: new Date(this.clock.now()).toISOString(),
      agentVersion: this.o.agentVersion ?? AGENT_VERSION,
      capabilities: capabilitiesOf(this.subsystems),
      session: this.session,
      address: localAddressOf(client),
    };
    client.publish(
      topics.presence(id),
      encodeMessage("presence", presence),
      { qos: 1, retain: true },
      noop,
    );
    this.publishReport(this.applier.report);
    this.overlayPublisher?.attach(client);
    client.subscribe([topics.desired(id), topics.cert(id)], { qos: 1 }, (err, granted) => {
      const refused = granted?.filter((g) => g.qos >= 0x80) ?? [];
      if (err || refused.length)
        this.log.error("broker refused a subscription", {
          error: err?.message,
          topics: refused.map((g) => g.topic),
        });
    });
    this.heartbeat();
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    const every = (this.o.heartbeatSeconds ?? 30) * 1000;
    this.heartbeatTimer = setInterval(() => this.heartbeat(), every);
    this.settleWaiters(true);
    this.renewer.onConnected();
  }

  private onClose(client: MqttClient) {
    if (client !== this.client) return;
    this.detach(client);
    if (this.connectedNow) this.log.warn("disconnected from broker");
    // Backoff restarts only after a connection that held: a broker that accepts and then
    // drops us at once (revoked, duplicate client id) must not see a reconnect storm.
    if (this.connectedNow && Date.now() - this.connectedAt >= STABLE_MS) this.attempt = 0;
    this.connectedNow = false;
    if (!this.stopped) this.scheduleReconnect();
  }

  /** Forgets a client: its late events are ignored and its sockets and timers freed. */
  private detach(client: MqttClient) {
    if (this.client === client) this.client = null;
    this.overlayPublisher?.detach();
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
    client.removeAllListeners();
    client.on("error", noop);
    client.end(true);
  }

  private scheduleReconnect() {
    if (this.stopped || this.reconnectTimer) return;
    const delay = backoffDelay(this.attempt++, this.o.backoff ?? DEFAULT_BACKOFF);
    this.log.debug("reconnecting", { inMs: delay, attempt: this.attempt });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
  }

  /** Graceful (no last will) disconnect, then a fresh connection: new credentials. */
  private async restartConnection() {
    const old = this.client;
    this.connectedNow = false;
    if (old) {
      this.client = null;
      this.overlayPublisher?.detach();
      if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
      this.heartbeatTimer = null;
      old.removeAllListeners();
      old.on("error", noop);
      await settleWithin(old.endAsync(), 5000);
      old.end(true);
    }
    this.connect();
  }

  // --- messages ---------------------------------------------------------------------

  private onMessage(topic: string, payload: Buffer, retained: boolean) {
    const id = this.identity.identity;
    if (topic === topics.desired(id)) {
      if (payload.length === 0) {
        this.log.warn("desired state was cleared by the control plane; keeping the current config");
        return;
      }
      const r = checkDesired(payload, this.identity.deviceId);
      // A live (not retained) desired state was issued a moment ago: its issuedAt is the
      // control plane's clock now. A retained one may be days old and says nothing.
      if (r.ok && !retained)
        this.observeClock(Date.parse(r.desired.issuedAt), this.clock.local(), "desired state");
      if (r.ok) this.applier.offer(r.desired);
      else {
        this.log.warn("rejected desired state", { error: r.error, attempted: r.attempted });
        this.applier.reject(r.error, r.attempted);
      }
    } else if (topic === topics.cert(id)) {
      if (!this.renewer.onCert(payload))
        this.log.warn("ignored a certificate that was not asked for");
    }
  }

  private publishReport(state: ReportedState) {
    const client = this.client;
    if (!client || !this.connectedNow) return; // published at the next connect
    client.publish(
      topics.state(this.identity.identity),
      encodeMessage("state", state),
      { qos: 1, retain: true },
      (err) => {
        if (err) this.log.warn("state report not delivered", { error: err.message });
      },
    );
  }

  private heartbeat() {
    const client = this.client;
    if (!client || !this.connectedNow) return;
    const clock = this.clock.report();
    const hb = {
      v: 1,
      at: new Date(this.clock.now()).toISOString(),
      uptimeSeconds: Math.floor((Date.now() - this.startedAt) / 1000),
      revision: this.applier.report.revision,
      simulated: this.o.simulated ?? this.o.driver.kind === "simulated",
      ...(clock ? { clock } : {}),
    };
    client.publish(
      topics.heartbeat(this.identity.identity),
      encodeMessage("heartbeat", hb),
      { qos: 0 },
      noop,
    );
    // The agent's own counters ride on telemetry/agent; probes and data-plane counters
    // get kinds of their own.
    const telemetry = {
      v: 1,
      at: hb.at,
      metrics: {
        revision: hb.revision,
        uptime_seconds: hb.uptimeSeconds,
        applies_total: this.applier.appliesTotal,
        apply_failures_total: this.applier.applyFailuresTotal,
        reconnects_total: this.reconnectsTotal,
      },
    };
    client.publish(
      topics.telemetry(this.identity.identity, "agent"),
      encodeMessage("telemetry", telemetry),
      { qos: 0 },
      noop,
    );
    // Cumulative since the agent's start: a lost report is carried by the next one. The
    // per-class counters are read from the data plane first (bounded, see usage.ts).
    void this.usage.report().then(
      (metrics) => {
        if (!this.connectedNow) return;
        client.publish(
          topics.telemetry(this.identity.identity, USAGE_TELEMETRY_KIND),
          encodeMessage("telemetry", { v: 1, at: hb.at, metrics }),
          { qos: 0 },
          noop,
        );
      },
      (e) => this.log.warn("usage not reported", { error: (e as Error).message }),
    );
    // Packet and drop rates since the last heartbeat (the first one is the baseline).
    void this.dataplaneRates?.report().then(
      (metrics) => {
        if (!metrics || !this.connectedNow) return;
        client.publish(
          topics.telemetry(this.identity.identity, DATAPLANE_TELEMETRY_KIND),
          encodeMessage("telemetry", { v: 1, at: hb.at, metrics }),
          { qos: 0 },
          noop,
        );
      },
      (e) => this.log.warn("data plane rates not reported", { error: (e as Error).message }),
    );
    // Each subsystem's own report, on telemetry/<kind> (its area's ingest channel).
    for (const s of this.subsystems) {
      const t = s.telemetry?.();
      if (!t) continue;
      client.publish(
        topics.telemetry(this.identity.identity, t.kind),
        encodeMessage("telemetry", { v: 1, at: hb.at, ...t.message }),
        { qos: 0 },
        noop,
      );
    }
  }

  // --- certificate renewal (renewal.ts) ---------------------------------------------

  /** Starts a renewal attempt now (normally timer-driven). */
  renew(): Promise<void> {
    return this.renewer.renew();
  }

  private async installCredentials(next: Credentials) {
    await this.o.store.saveCredentials(next);
    this.credentials = next;
    await this.restartConnection();
  }

  /** Current credentials (after renewals). */
  get currentCredentials(): Credentials | null {
    return this.credentials;
  }

  // --- shutdown ---------------------------------------------------------------------

  /** Lets a running apply finish, says offline (retained), disconnects cleanly. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.renewer.stop();
    if (this.clockTimer) clearInterval(this.clockTimer);
    this.clockTimer = null;
    this.overlayPublisher?.stop();
    await this.applier.idle();
    const client = this.client;
    if (client && this.connectedNow) {
      const offline = {
        v: 1,
        online: false,
        at: new Date(this.clock.now()).toISOString(),
        session: this.session,
      };
      const topic = topics.presence(this.identity.identity);
      await settleWithin(
        client.publishAsync(topic, encodeMessage("presence", offline), { qos: 1, retain: true }),
        2000,
      );
      this.client = null;
      client.removeAllListeners();
      client.on("error", noop);
      await settleWithin(client.endAsync(), 2000);
      client.end(true);
    } else if (client) this.detach(client);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.connectedNow = false;
    this.settleWaiters(false);
  }
}

/** The address the broker connection left from (undefined when the transport has none). */
function localAddressOf(client: MqttClient): string | undefined {
  const address = (client.stream as { localAddress?: string } | undefined)?.localAddress;
  // An IPv4 address on a dual-stack socket reads as ::ffff:a.b.c.d.
  return address?.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, "") || undefined;
}

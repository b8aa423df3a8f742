// The overlay's side of the fleet channel: retained `overlay` (public key and tunnels)
// at every connect and whenever the tunnels change, `paths` every telemetry interval,
// and `events` (QoS 1) as they happen. Events wait in the overlay's memory queue while
// the broker is away and leave it only once the broker acknowledged them. Nothing here
// is on the failover path: the overlay decides and switches on its own.
import type { MqttClient } from "mqtt";
import { encodeMessage, MAX_MESSAGE_BYTES, type PathReport, topics } from "../../../../protocol";
import type { Logger } from "../log";
import { MAX_EVENTS_PER_MESSAGE } from "./events";
import type { OverlayHost } from "./host";
import type { OverlayStatus } from "./types";

const noop = () => undefined;

/** Cuts the selection list (never the paths) until the message fits the channel's limit. */
export function fitReport(report: PathReport): { payload: Buffer; cut: number } {
  let r = report;
  let payload = encodeMessage("paths", r);
  let cut = 0;
  while (payload.length > MAX_MESSAGE_BYTES && r.selection.length > 0) {
    const keep = Math.floor(r.selection.length / 2);
    cut += r.selection.length - keep;
    r = { ...r, selection: r.selection.slice(0, keep) };
    payload = encodeMessage("paths", r);
  }
  return { payload, cut };
}

export class OverlayPublisher {
  private client: MqttClient | null = null;
  private pathsTimer: NodeJS.Timeout | null = null;
  private pathsEvery = 0;
  private flushing = false;
  private warnedCut = false;
  private readonly onStatus = (s: OverlayStatus) => this.publishStatus(s);
  private readonly onEvent = () => this.flushEvents();

  constructor(
    private readonly overlay: OverlayHost,
    private readonly identity: string,
    private readonly log: Logger,
  ) {
    overlay.on("status", this.onStatus);
    overlay.on("event", this.onEvent);
  }

  /** A (re)connected client: status, then the queued events, then periodic paths. */
  attach(client: MqttClient) {
    this.client = client;
    this.flushing = false; // a batch in flight on the old connection is sent again
    this.publishStatus(this.overlay.status());
    this.flushEvents();
    this.schedulePaths();
  }

  detach() {
    this.client = null;
    if (this.pathsTimer) clearInterval(this.pathsTimer);
    this.pathsTimer = null;
  }

  stop() {
    this.detach();
    this.overlay.off("status", this.onStatus);
    this.overlay.off("event", this.onEvent);
  }

  private publishStatus(status: OverlayStatus) {
    const client = this.client;
    if (!client) return; // the next connect publishes the newest status
    client.publish(
      topics.overlay(this.identity),
      encodeMessage("overlay", status),
      { qos: 1, retain: true },
      (err) => {
        if (err) this.log.warn("overlay status not delivered", { error: err.message });
      },
    );
    this.schedulePaths();
  }

  /** Paths every telemetry interval while connected and an overlay runs. */
  private schedulePaths() {
    const every = this.overlay.config?.settings.telemetryIntervalMs ?? 0;
    if (every === this.pathsEvery && (this.pathsTimer || !every)) return;
    if (this.pathsTimer) clearInterval(this.pathsTimer);
    this.pathsTimer = null;
    this.pathsEvery = every;
    if (!every || !this.client) return;
    this.pathsTimer = setInterval(() => void this.publishPaths(), every);
  }

  private async publishPaths() {
    if (!this.client || !this.overlay.config) return;
    const { payload, cut } = fitReport(await this.overlay.report());
    if (cut && !this.warnedCut) {
      this.warnedCut = true;
      this.log.warn("path report too large; selections cut", { cut });
    }
    this.client?.publish(topics.paths(this.identity), payload, { qos: 0 }, noop);
  }

  /** One batch in flight at a time; acknowledged events leave the queue. */
  private flushEvents() {
    const client = this.client;
    if (!client || this.flushing) return;
    const batch = this.overlay.events.peek(MAX_EVENTS_PER_MESSAGE);
    if (batch.length === 0) return;
    this.flushing = true;
    client.publish(
      topics.events(this.identity),
      encodeMessage("events", { v: 1, events: batch }),
      { qos: 1 },
      (err) => {
        this.flushing = false;
        if (err) {
          this.log.debug("path events not delivered; kept for later", { error: err.message });
          return;
        }
        this.overlay.events.ack(batch);
        if (this.client === client) this.flushEvents();
      },
    );
  }
}

// The box's clock against the control plane's. Certificates are judged by clocks: a box
// days behind sees the broker's certificate as not yet valid and cannot connect; a box days
// ahead sees its own certificate as due for renewal the moment it is issued. The agent
// measures the offset from what the control plane tells it (the portal's time endpoint,
// fresh certificate and desired-state messages), says it plainly in the log, reports it
// in heartbeats, and schedules renewals on corrected time. docs/fleet.md, "Clock skew".
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { TLSSocket } from "node:tls";
import {
  type ClockReport,
  describeClockOffset,
  isClockSkewed,
  MAX_CLOCK_OFFSET_MS,
} from "../../../protocol";
import type { Logger } from "./log";

/** Node's codes for a certificate judged by dates alone. */
export const DATE_ERRORS: ReadonlySet<string> = new Set(["CERT_NOT_YET_VALID", "CERT_HAS_EXPIRED"]);

export const isDateError = (e: unknown) =>
  DATE_ERRORS.has(String((e as { code?: unknown } | null)?.code ?? ""));

/** A new measurement within this of the last one is the same clock (no new report). */
const SAME_MS = 5_000;

export class SkewClock {
  private offset: number | null = null;
  private checkedAt = 0;
  private source = "";
  private loggedSkew: number | null = null;

  /** `local` is the box's clock: the system's; tests of this module may pass another. */
  constructor(
    private readonly log: Logger,
    readonly local: () => number = Date.now,
  ) {}

  /** The control plane's time, as well as the agent knows it (the box's clock until
   * something was measured). */
  now(): number {
    return this.local() + (this.offset ?? 0);
  }

  /** Server minus box, ms (positive: the box is behind); null before any measurement. */
  get offsetMs(): number | null {
    return this.offset;
  }

  /** What heartbeats carry; null before any measurement. */
  report(): ClockReport | null {
    if (this.offset === null) return null;
    return { offsetMs: this.offset, checkedAt: new Date(this.checkedAt).toISOString() };
  }

  /**
   * The control plane said it was `serverMs` when the box's clock read `localMs`. Returns
   * true when that changed what the agent knew (worth a report). Offsets past ±10 years
   * are not believed.
   */
  observe(serverMs: number, localMs: number, source: string): boolean {
    const offset = Math.round(serverMs - localMs);
    if (!Number.isFinite(offset) || Math.abs(offset) > MAX_CLOCK_OFFSET_MS) {
      this.log.warn("ignored an implausible control-plane time", { source, serverMs, localMs });
      return false;
    }
    const changed = this.offset === null || Math.abs(offset - this.offset) > SAME_MS;
    this.offset = offset;
    this.checkedAt = localMs + offset;
    this.source = source;
    if (changed) this.say();
    return changed;
  }

  private say() {
    const offset = this.offset ?? 0;
    const fields = { offsetMs: offset, source: this.source };
    if (isClockSkewed(offset)) {
      this.log.error(
        `this box's clock is ${describeClockOffset(offset)}${offset > 0 ? "" : " of"} the control plane's; fix NTP ` +
          "(timedatectl set-ntp true, or check chrony/systemd-timesyncd). Until then the agent " +
          "schedules certificate renewals on the control plane's time and checks the broker's " +
          "certificate against it",
        fields,
      );
      this.loggedSkew = offset;
    } else if (this.loggedSkew !== null) {
      this.log.info("this box's clock agrees with the control plane's again", fields);
      this.loggedSkew = null;
    } else this.log.debug("clock checked against the control plane", fields);
  }
}

export class TimeProbeError extends Error {
  override name = "TimeProbeError";
}

/**
 * Asks the portal for its time (GET /api/fleet/time; any answer's Date header as a
 * fallback, e.g. from a portal that predates the endpoint). Over https a certificate that
 * fails on its dates alone is tolerated for this one request: a box whose clock is off is
 * exactly the one that needs the time, and only the time is read — how the agent may use
 * it is bounded (docs/fleet.md, "Clock skew"). Any other TLS failure is refused.
 */
export function fetchServerTime(
  portalUrl: string,
  local: () => number = Date.now,
  timeoutMs = 10_000,
): Promise<{ serverMs: number; localMs: number }> {
  const url = new URL(`${portalUrl.replace(/\/+$/, "")}/api/fleet/time`);
  const https = url.protocol === "https:";
  return new Promise((resolve, reject) => {
    const sent = local();
    const req = (https ? httpsRequest : httpRequest)(
      url,
      {
        method: "GET",
        headers: { accept: "application/json" },
        timeout: timeoutMs,
        ...(https ? { rejectUnauthorized: false } : {}),
      },
      (res) => {
        const received = local();
        if (https) {
          const socket = res.socket as TLSSocket;
          const why = socket.authorizationError;
          if (!socket.authorized && !DATE_ERRORS.has(String(why))) {
            res.destroy();
            reject(new TimeProbeError(`the portal's certificate is not trusted: ${why}`));
            return;
          }
        }
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
          if (body.length > 4096) res.destroy(new TimeProbeError("time answer too large"));
        });
        res.on("error", reject);
        res.on("end", () => {
          // The server's clock read somewhere between sending and receiving: the middle.
          const localMs = Math.round((sent + received) / 2);
          let serverMs = Number.NaN;
          if (res.statusCode === 200) {
            try {
              const t = (JSON.parse(body) as { serverTime?: unknown }).serverTime;
              if (typeof t === "string") serverMs = Date.parse(t);
            } catch {
              // not JSON: the Date header below
            }
          }
          // A Date header is in whole seconds: its middle is the best guess.
          if (Number.isNaN(serverMs) && res.headers.date)
            serverMs = Date.parse(res.headers.date) + 500;
          if (Number.isNaN(serverMs))
            reject(new TimeProbeError(`the portal's answer (${res.statusCode}) carries no time`));
          else resolve({ serverMs, localMs });
        });
      },
    );
    req.on("timeout", () => req.destroy(new TimeProbeError(`no answer in ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end();
  });
}

// Enrollment over HTTPS: the key is made here and never leaves the device; the portal
// answers with a certificate (active), or asks the agent to poll until an operator
// approves (pending), or refuses. Portal errors are `{ error: { code, message } }`.
import { hostname as osHostname } from "node:os";
import {
  CAPABILITY_VERSION,
  type EnrollResponse,
  isDeviceIdentity,
  ZEnrollResponse,
} from "../../../protocol";
import { certMatchesKey, createDeviceKey } from "../../../protocol/crypto/device-key";
import { SkewClock } from "./clock";
import { type Logger, silentLogger } from "./log";
import type { DeviceIdentity, FileStore } from "./store";
import { BOX_SECTIONS } from "./subsystems";
import { sleep } from "./time";
import { AGENT_VERSION } from "./version";

export class EnrollError extends Error {
  override name = "EnrollError";
  constructor(
    message: string,
    /** The portal's error code, or "unreachable", "bad_response", "rejected". */
    readonly code: string,
    /** Set when the portal was busy (503, 429) and said when to come back. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** How often a busy portal is asked again before enrollment gives up, and the longest wait. */
const BUSY_RETRIES = 20;
const BUSY_WAIT_CAP_SECONDS = 60;

/** Retry-After in seconds (delta form; an HTTP date is also allowed), or undefined. */
function retryAfterOf(res: Response): number | undefined {
  const h = res.headers.get("retry-after");
  if (!h) return undefined;
  const seconds = /^\d+$/.test(h.trim()) ? Number(h) : (Date.parse(h) - Date.now()) / 1000;
  return Number.isFinite(seconds) ? Math.max(0, seconds) : undefined;
}

export type EnrollResult =
  | { status: "active"; identity: DeviceIdentity }
  | { status: "pending"; deviceId: string; retryAfterSeconds: number };

export interface EnrollOptions {
  url: string;
  token: string;
  store: FileStore;
  hostname?: string;
  /** Poll until approved (default) or return after the first "pending". */
  wait?: boolean;
  log?: Logger;
  onPending?: (deviceId: string, retryAfterSeconds: number) => void;
  /** Caps the wait between polls (tests). */
  maxPollSeconds?: number;
}

const endpoint = (base: string, path: string) => `${base.replace(/\/+$/, "")}${path}`;

async function post(url: string, body: unknown, log?: Logger): Promise<EnrollResponse> {
  let res: Response;
  const sent = Date.now();
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(20_000),
    });
  } catch (e) {
    const cause = (e as { cause?: { message?: string } }).cause?.message ?? (e as Error).message;
    throw new EnrollError(`cannot reach the portal at ${url}: ${cause}`, "unreachable");
  }
  // A box whose clock is off hears it at enrollment already (the Date header, in seconds).
  const date = Date.parse(res.headers.get("date") ?? "");
  if (!Number.isNaN(date))
    new SkewClock(log ?? silentLogger).observe(date + 500, (sent + Date.now()) / 2, "enrollment");
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new EnrollError(
      `the portal answered ${res.status} with something that is not JSON (is ${url} the Patronus portal?)`,
      res.ok ? "bad_response" : "unreachable",
    );
  }
  if (!res.ok) {
    // A problem (RFC 9457): detail and code; portals before it sent error.{code,message}.
    const p = json as {
      detail?: unknown;
      code?: unknown;
      error?: { code?: string; message?: string };
    };
    const detail = typeof p.detail === "string" ? p.detail : p.error?.message;
    const code = typeof p.code === "string" ? p.code : p.error?.code;
    // Busy, not refused: the same request may be sent again after the portal's Retry-After.
    const busy = res.status === 503 || res.status === 429 ? retryAfterOf(res) : undefined;
    throw new EnrollError(
      detail ?? `the portal answered ${res.status}`,
      code ?? `http_${res.status}`,
      busy,
    );
  }
  const r = ZEnrollResponse.safeParse(json);
  if (!r.success)
    throw new EnrollError(
      `the portal's answer does not match this agent's protocol: ${r.error.issues[0]?.message}`,
      "bad_response",
    );
  return r.data;
}

async function finish(
  res: EnrollResponse,
  store: FileStore,
  portalUrl: string,
  log?: Logger,
): Promise<EnrollResult> {
  if (res.status === "pending") {
    await store.savePending({
      deviceId: res.deviceId,
      pollToken: res.pollToken,
      portalUrl,
      retryAfterSeconds: res.retryAfterSeconds,
    });
    return { status: "pending", deviceId: res.deviceId, retryAfterSeconds: res.retryAfterSeconds };
  }
  if (res.status === "rejected") {
    await store.clearPending();
    throw new EnrollError(`the portal rejected this device: ${res.reason}`, "rejected");
  }
  const keyPem = await store.readKey();
  if (!keyPem) throw new EnrollError(`${store.path("key")} disappeared during enrollment`, "state");
  if (!certMatchesKey(res.certificate, keyPem))
    throw new EnrollError("the portal sent a certificate for a different key", "bad_response");
  if (!isDeviceIdentity(res.identity) || !res.identity.endsWith(`.${res.deviceId}`))
    throw new EnrollError(`the portal sent a malformed identity "${res.identity}"`, "bad_response");
  const identity = { deviceId: res.deviceId, identity: res.identity, mqttUrl: res.broker.url };
  await store.saveEnrollment(
    { certPem: res.certificate, caPem: res.caChain, brokerCaPem: res.broker.serverCa },
    identity,
  );
  await store.clearPending();
  log?.info("enrolled", { identity: identity.identity, notAfter: res.notAfter });
  return { status: "active", identity };
}

/** Polls a pending enrollment until it is approved or refused; network errors retry. */
export async function pollEnrollment(
  store: FileStore,
  opts: { log?: Logger; maxPollSeconds?: number; signal?: AbortSignal } = {},
): Promise<EnrollResult & { status: "active" }> {
  for (;;) {
    const p = await store.loadPending();
    if (!p) throw new EnrollError("no enrollment is pending in this state directory", "state");
    const wait = Math.min(p.retryAfterSeconds, opts.maxPollSeconds ?? 300);
    await sleep(wait * 1000);
    if (opts.signal?.aborted) throw new EnrollError("stopped while waiting", "aborted");
    let res: EnrollResponse;
    try {
      res = await post(
        endpoint(p.portalUrl, "/api/fleet/enroll/poll"),
        { deviceId: p.deviceId, pollToken: p.pollToken },
        opts.log,
      );
    } catch (e) {
      if (
        e instanceof EnrollError &&
        (e.code === "unreachable" || e.retryAfterSeconds !== undefined)
      ) {
        opts.log?.warn("portal unreachable while waiting for approval", { error: e.message });
        continue;
      }
      throw e;
    }
    const r = await finish(res, store, p.portalUrl, opts.log);
    if (r.status === "active") return r;
    opts.log?.info("still waiting for approval in the portal", { deviceId: r.deviceId });
  }
}

/**
 * post, sent again while the portal answers busy (503/429 with Retry-After): after the wait
 * it asks for (capped), with up to a quarter more at random so that a fleet told to wait
 * at once does not come back at once. A refusal without Retry-After is final.
 */
async function postUntilNotBusy(url: string, body: unknown, log?: Logger) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await post(url, body, log);
    } catch (e) {
      const wait = e instanceof EnrollError ? e.retryAfterSeconds : undefined;
      if (wait === undefined || attempt > BUSY_RETRIES) throw e;
      const seconds = Math.min(wait, BUSY_WAIT_CAP_SECONDS) * (1 + Math.random() / 4);
      log?.warn("portal busy; enrolling again shortly", { seconds, attempt });
      await sleep(seconds * 1000);
    }
  }
}

export async function enroll(o: EnrollOptions): Promise<EnrollResult> {
  await o.store.ensureDir();
  const host = o.hostname ?? osHostname();
  const { keyPem, csrPem } = await createDeviceKey(host);
  await o.store.saveKey(keyPem);
  const body = {
    token: o.token,
    csr: csrPem,
    hostname: host.slice(0, 100),
    agentVersion: AGENT_VERSION,
    // Corrected on every connect by what the running agent's subsystems apply.
    capabilities: { version: CAPABILITY_VERSION, sections: [...BOX_SECTIONS].sort() },
  };
  const res = await postUntilNotBusy(endpoint(o.url, "/api/fleet/enroll"), body, o.log);
  const first = await finish(res, o.store, o.url, o.log);
  if (first.status === "active" || o.wait === false) return first;
  o.onPending?.(first.deviceId, first.retryAfterSeconds);
  return pollEnrollment(o.store, { log: o.log, maxPollSeconds: o.maxPollSeconds });
}

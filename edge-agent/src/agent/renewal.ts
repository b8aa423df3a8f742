// Certificate renewal: when to renew (2/3 of the lifetime, plus a little jitter so a
// fleet enrolled together does not renew together), the checks an issued certificate
// must pass before the agent trusts it with its new key, and the Renewer that runs it.

import { type CertIssued, decode, ZCertIssued } from "../../../protocol";
import { certMatchesKey, createDeviceKey } from "../../../protocol/crypto/device-key";
import { x509 } from "../../../protocol/crypto/x509";
import { type BackoffOptions, backoffDelay } from "./backoff";
import type { Logger } from "./log";
import type { Credentials } from "./store";

/** Renew at 2/3 of the lifetime, spread over the next 5% of it. */
export function renewAt(certPem: string, random: () => number = Math.random): number {
  const c = new x509.X509Certificate(certPem);
  const from = c.notBefore.getTime();
  const life = c.notAfter.getTime() - from;
  return from + (life * 2) / 3 + random() * life * 0.05;
}

export function splitPems(bundle: string): string[] {
  return bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

export class RenewalError extends Error {
  override name = "RenewalError";
}

/** Throws unless the certificate carries the new key, names this device, is valid now,
 * and is signed by a CA of the chain that came with it. */
export async function verifyIssued(
  issued: CertIssued,
  keyPem: string,
  identity: string,
  now = new Date(),
): Promise<void> {
  if (!certMatchesKey(issued.certificate, keyPem))
    throw new RenewalError("issued certificate does not carry the new key");
  const cert = new x509.X509Certificate(issued.certificate);
  const cn = cert.subjectName.getField("CN")[0];
  if (cn !== identity) throw new RenewalError(`issued certificate names ${cn}, not ${identity}`);
  if (cert.notAfter <= now || cert.notBefore > new Date(now.getTime() + 5 * 60_000))
    throw new RenewalError("issued certificate is not valid now");
  const chain = splitPems(issued.caChain).map((p) => new x509.X509Certificate(p));
  const issuer = chain.find((c) => c.subject === cert.issuer);
  if (!issuer) throw new RenewalError(`no CA named ${cert.issuer} in the chain`);
  if (!(await cert.verify({ publicKey: issuer.publicKey, signatureOnly: true })))
    throw new RenewalError("issued certificate's signature does not verify against its CA");
}

export interface RenewalOptions {
  /** How long to wait for the certificate after sending the CSR. */
  timeoutMs?: number;
  /** Backoff between failed attempts. */
  retry?: BackoffOptions;
}

/** What the renewer needs from its agent. */
export interface RenewalHost {
  readonly identity: string;
  credentials(): Credentials | null;
  connected(): boolean;
  sendCsr(csrPem: string): Promise<void>;
  /** Save and reconnect with the new credentials. */
  install(next: Credentials): Promise<void>;
  readonly log: Logger;
  /** The control plane's time as the agent knows it (clock.ts); default: the box's clock. */
  now?(): number;
  /** The box's own clock, to time a reply; default Date.now. */
  localNow?(): number;
  /** A certificate message said what time the control plane had when it sent it. */
  observeServerTime?(serverMs: number, localMs: number): void;
}

const MAX_TIMER_MS = 2 ** 31 - 1;
const RENEW_RETRY: BackoffOptions = { baseMs: 30_000, capMs: 3_600_000 };

type Waiter = { resolve: (p: Buffer) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };

/**
 * Renews the device certificate over the channel: at renewAt() (or when the agent
 * reconnects after it), a new key and CSR go out on `csr`; the answer on `cert` must pass
 * verifyIssued() before the host installs it. Failures retry with backoff.
 */
export class Renewer {
  private timer: NodeJS.Timeout | null = null;
  private dueAt = 0;
  private attempt = 0;
  private running = false;
  private stopped = false;
  private waiter: Waiter | null = null;

  constructor(
    private readonly host: RenewalHost,
    private readonly o: RenewalOptions = {},
  ) {}

  /** Renewals are timed on the control plane's clock: certificates are dated by it. */
  private now(): number {
    return this.host.now?.() ?? Date.now();
  }

  /** Arms the timer for the current certificate (or after `delayMs`, for retries). */
  schedule(delayMs?: number) {
    const creds = this.host.credentials();
    if (this.stopped || !creds) return;
    if (this.timer) clearTimeout(this.timer);
    if (delayMs === undefined) {
      this.dueAt = renewAt(creds.certPem);
      delayMs = Math.max(0, this.dueAt - this.now());
      this.host.log.info("certificate renewal scheduled", {
        at: new Date(this.dueAt).toISOString(),
        inMs: delayMs,
      });
    }
    this.timer = setTimeout(
      () => {
        this.timer = null;
        // Long lifetimes exceed one timer's range: check again until due.
        if (this.now() < this.dueAt) this.schedule(this.dueAt - this.now());
        else void this.renew();
      },
      Math.min(delayMs, MAX_TIMER_MS),
    );
  }

  /** The agent (re)connected: a renewal that came due while offline starts now. */
  onConnected() {
    if (this.dueAt && this.now() >= this.dueAt && !this.running && !this.timer) void this.renew();
  }

  /** A message on the cert topic; false when none was asked for. */
  onCert(payload: Buffer): boolean {
    if (!this.waiter) return false;
    this.waiter.resolve(payload);
    return true;
  }

  private awaitCert(csrPem: string): Promise<Buffer> {
    const ms = this.o.timeoutMs ?? 60_000;
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new RenewalError(`no certificate within ${ms} ms`)),
        ms,
      );
      this.waiter = { resolve, reject, timer };
      this.host
        .sendCsr(csrPem)
        .catch((e: Error) => reject(new RenewalError(`CSR not sent: ${e.message}`)));
    });
  }

  /** One attempt now (normally timer-driven); resolves when it ended either way. */
  async renew(): Promise<void> {
    const current = this.host.credentials();
    if (this.stopped || !current || this.running || !this.host.connected()) return;
    this.running = true;
    try {
      const { keyPem, csrPem } = await createDeviceKey(this.host.identity);
      const issued = decode(ZCertIssued, await this.awaitCert(csrPem));
      const receivedAt = this.host.localNow?.() ?? Date.now();
      if (issued.serverTime)
        this.host.observeServerTime?.(Date.parse(issued.serverTime), receivedAt);
      await verifyIssued(issued, keyPem, this.host.identity, new Date(this.now()));
      const next = { ...current, keyPem, certPem: issued.certificate, caPem: issued.caChain };
      this.clearWaiter();
      await this.host.install(next);
      this.attempt = 0;
      this.host.log.info("certificate renewed", { notAfter: issued.notAfter });
      this.scheduleAfterIssue(issued.certificate);
    } catch (e) {
      const delay = backoffDelay(this.attempt++, this.o.retry ?? RENEW_RETRY);
      this.host.log.warn("certificate renewal failed; will retry", {
        error: (e as Error).message,
        inMs: delay,
      });
      this.schedule(delay);
    } finally {
      this.clearWaiter();
      this.running = false;
    }
  }

  /**
   * Schedules the next renewal of a certificate issued just now. If even it is already due
   * by the agent's clock, that clock is off from the CA's by more than the agent measured
   * (or nothing was measured): renewing again would only get another certificate that
   * looks the same, over and over. So the next renewal is counted from now instead — 2/3 of
   * a lifetime later — and the log says why.
   */
  private scheduleAfterIssue(certPem: string) {
    const due = renewAt(certPem);
    const now = this.now();
    if (due > now) {
      this.schedule();
      return;
    }
    const c = new x509.X509Certificate(certPem);
    const wait = due - c.notBefore.getTime();
    this.host.log.error(
      "a certificate issued just now is already due for renewal by this box's clock, which " +
        `is ahead of the control plane's by about ${Math.round((now - c.notBefore.getTime()) / 3600_000)} h; ` +
        "fix NTP. Not renewing again now: the next renewal is timed from this one",
      { notBefore: c.notBefore.toISOString(), notAfter: c.notAfter.toISOString(), inMs: wait },
    );
    this.dueAt = now + wait;
    this.schedule(wait);
  }

  private clearWaiter() {
    if (this.waiter) clearTimeout(this.waiter.timer);
    this.waiter = null;
  }

  stop() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.waiter?.reject(new RenewalError("agent stopped"));
  }
}

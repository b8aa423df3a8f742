// A box whose clock is days off, end to end: `patronus-agent enroll` and `run` as their own
// processes against the real control plane (fleet-stack: Mosquitto with the platform PKI,
// the ingest, the enrollment and time endpoints), with the box's clock shifted.
//
// How the clock is shifted: libfaketime (Debian libfaketime) preloaded into the agent's
// process, so that everything in it — Date.now(), and OpenSSL, which judges the broker's
// certificate by time() — sees the box's clock, as on a real box with a wrong clock. An
// offset injected into the agent's own code would leave Node's TLS on the true clock, and
// the failure a box behind actually meets (CERT_NOT_YET_VALID in the handshake) would never
// happen. The control plane keeps the true clock.
//
// This file gets a platform PKI of its own, made at its start: the broker's certificate is
// then minutes old, so 2 days before now it is "not yet valid" — as for any box behind by
// more than the broker certificate's age. (A shared PKI dir may hold a certificate older
// than the shift, which the box behind would accept.)
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ZTelemetry } from "../../protocol";
import { telemetryKey } from "../../server/domains/fleet/channel/core-channels";
import { getDb } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import { env } from "../../server/platform/env";
import { getRedis } from "../../server/platform/redis";
import {
  createSite,
  deviceInSync,
  eventually,
  type Site,
} from "../../testkit/factories/agent-site";
import { useFleetStack } from "../../testkit/stack/fleet-stack";
import { AgentProcess, cli } from "./lib/cli";

const FAKETIME = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";
const DAY = 86_400_000;
let root: string;
let n = 0;
const agents: AgentProcess[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "patronus-clock-"));
  // Registered before the stack's own beforeAll, so the stack starts on them.
  Object.assign(env as Record<string, unknown>, {
    FLEET_PKI_DIR: join(root, "pki"),
    // 60 h certificates: renewal is due at 40 h, so a box 2 days ahead finds every new
    // certificate due at once, yet still valid (the renewal loop of the report).
    FLEET_DEVICE_CERT_HOURS: 60,
  });
});
const stack = useFleetStack();

afterEach(async () => {
  for (const a of agents.splice(0)) await a.stop();
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

/** The environment of a box whose clock is `shift` off ("-2d", "+2d"). */
function skewed(shift: string): NodeJS.ProcessEnv {
  return { ...process.env, LD_PRELOAD: FAKETIME, FAKETIME: shift, DONT_FAKE_MONOTONIC: "1" };
}

async function enrolledBox(site: Site, env: NodeJS.ProcessEnv) {
  const dir = join(root, `box-${++n}`);
  const config = join(dir, "agent.json");
  await mkdir(dir);
  await writeFile(
    config,
    JSON.stringify({
      portalUrl: stack.portalUrl,
      stateDir: join(dir, "state"),
      simulate: true,
      health: { port: 0 },
      heartbeatSeconds: 1,
    }),
  );
  const enrolled = await cli(["enroll", "--token", site.token.token, "--config", config], { env });
  expect(enrolled.code, enrolled.stderr).toBe(0);
  const { deviceId } = JSON.parse(await readFile(join(dir, "state", "identity.json"), "utf8"));
  const agent = AgentProcess.start(["run", "--config", config], { env });
  agents.push(agent);
  return { deviceId: deviceId as string, agent, enrolled };
}

const device = (site: Site, deviceId: string) =>
  site.api.device.get({ orgSlug: site.slug, deviceId });

/** The device row once it reports an offset within a minute of `expected`. */
const skewReported = (site: Site, deviceId: string, expected: number) =>
  eventually(`device ${deviceId} to report a clock offset of ${expected} ms`, async () => {
    const d = await device(site, deviceId);
    return d.clockOffsetMs !== null && Math.abs(d.clockOffsetMs - expected) < 60_000 && d;
  });

const certificatesOf = (site: Site, deviceId: string) =>
  withScope(getDb(), { orgId: site.org.id }, (tx) =>
    tx.deviceCertificate.count({ where: { orgId: site.org.id, deviceId } }),
  );

const said = (agent: AgentProcess, text: string) =>
  agent.logLines().find((l) => String(l.msg).includes(text));

describe.skipIf(!existsSync(FAKETIME))("a box whose clock is days off", () => {
  it("2 days behind: says so, checks the broker at the control plane's time, connects and reports", async () => {
    const site = await createSite();
    const { deviceId, agent, enrolled } = await enrolledBox(site, skewed("-2d"));
    // Enrollment already says it (the portal's Date header).
    expect(enrolled.stderr).toContain("2 days behind the control plane's; fix NTP");

    // The broker's certificate is not yet valid by the box's clock; the agent names the
    // offset, then connects and applies its config all the same.
    const row = await deviceInSync(site, deviceId, 1, 60_000);
    expect(row.online).toBe(true);
    expect(
      said(agent, "this box's clock is 2 days behind the control plane's; fix NTP"),
    ).toBeTruthy();
    expect(said(agent, "not yet valid by this box's clock")).toBeTruthy();

    // The portal's device data says by how much.
    const reported = await skewReported(site, deviceId, 2 * DAY);
    expect(reported.clockCheckedAt).not.toBeNull();
    const { items: listed } = await site.api.device.list({
      orgSlug: site.slug,
      siteId: site.siteId,
    });
    expect(listed.find((d) => d.id === deviceId)?.clockOffsetMs).toBe(reported.clockOffsetMs);
  }, 120_000);

  it("2 days ahead: no renewal loop, the skew is reported", async () => {
    const site = await createSite();
    const { deviceId, agent } = await enrolledBox(site, skewed("+2d"));
    await deviceInSync(site, deviceId, 1, 60_000);
    await skewReported(site, deviceId, -2 * DAY);
    expect(said(agent, "this box's clock is 2 days ahead of the control plane's")).toBeTruthy();

    // The renewal is timed on the control plane's clock: 40 h from enrollment, not now.
    const scheduled = await eventually("the renewal to be scheduled", async () =>
      said(agent, "certificate renewal scheduled"),
    );
    expect(Date.parse(String(scheduled.at))).toBeGreaterThan(Date.now() + 30 * 3600_000);

    // A window in which a box renewing on its own clock would have renewed over and over
    // (each new certificate is due by it at once): three more heartbeats after the report.
    // Heartbeats are counted by the agent's own telemetry (sent with each), not lastSeenAt,
    // which heartbeats refresh only every LAST_SEEN_STEP_SECONDS.
    const uptime = async () => {
      const raw = await getRedis().get(telemetryKey(site.org.id, deviceId, "agent"));
      return raw ? (ZTelemetry.parse(JSON.parse(raw)).metrics.uptime_seconds ?? -1) : -1;
    };
    let beats = 0;
    let seen = await uptime();
    await eventually("three more heartbeats", async () => {
      const now = await uptime();
      if (now > seen) {
        beats++;
        seen = now;
      }
      return beats >= 3;
    });
    // The enrollment's certificate, and at most one renewal before the clock was measured.
    expect(await certificatesOf(site, deviceId)).toBeLessThanOrEqual(2);
    expect(agent.running).toBe(true);
  }, 120_000);
});

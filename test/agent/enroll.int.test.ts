// Enrollment from the agent's side: the real CLI as a child process against the portal's
// real enrollment endpoint (the fleet stack), with tokens made through the API. Requests
// pass through lib/portal-front.ts, which records what left the device.
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enroll } from "../../edge-agent/src/agent/enroll";
import { FileStore } from "../../edge-agent/src/agent/store";
import { certMatchesKey } from "../../protocol/crypto/device-key";
import { x509 } from "../../protocol/crypto/x509";
import {
  createSite,
  devicesOf,
  eventually,
  expireToken,
  type Site,
} from "../../testkit/factories/agent-site";
import { useFleetStack } from "../../testkit/stack/fleet-stack";
import { cli } from "./lib/cli";
import { freePort } from "./lib/mosquitto";
import { type PortalFront, startPortalFront } from "./lib/portal-front";

const stack = useFleetStack();
let portal: PortalFront;
let root: string;
let n = 0;

beforeAll(async () => {
  portal = await startPortalFront({ enrollUrl: stack.portalUrl });
  root = await mkdtemp(join(tmpdir(), "patronus-enroll-"));
});

afterAll(async () => {
  await portal?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

/** A fresh config path and state dir for one agent. */
function box() {
  const dir = join(root, `box-${++n}`);
  return { dir, config: join(dir, "agent.json"), stateDir: join(dir, "state") };
}

const enrollArgs = (b: ReturnType<typeof box>, token: string, ...more: string[]) => [
  "enroll",
  "--url",
  portal.url,
  "--token",
  token,
  "--config",
  b.config,
  "--state-dir",
  b.stateDir,
  "--simulate",
  ...more,
];

describe("patronus-agent enroll (real enrollment endpoint)", () => {
  it("enrolls with an auto-approved token: config, local key, identity signed by the org CA", async () => {
    const site = await createSite();
    const b = box();
    const r = await cli(enrollArgs(b, site.token.token, "--hostname", "branch-box"));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const [device] = await devicesOf(site);
    expect(device).toMatchObject({ status: "active", hostname: "branch-box" });
    const identity = `${site.org.id}.${device!.id}`;
    expect(r.stdout).toContain(`enrolled: device ${device!.id} (identity ${identity})`);
    expect(JSON.parse(await readFile(b.config, "utf8"))).toEqual({
      portalUrl: portal.url,
      stateDir: b.stateDir,
      simulate: true,
    });

    const store = new FileStore(b.stateDir);
    expect(await store.loadIdentity()).toEqual({
      deviceId: device!.id,
      identity,
      mqttUrl: stack.broker.url,
    });
    const creds = (await store.loadCredentials())!;
    expect(certMatchesKey(creds.certPem, creds.keyPem)).toBe(true);
    const cert = new x509.X509Certificate(creds.certPem);
    expect(cert.subject.split(", ")).toContain(`CN=${identity}`);
    expect(await cert.verify({ publicKey: new x509.X509Certificate(creds.caPem) })).toBe(true);
    expect(creds.brokerCaPem).toBe(stack.platform.caPem);
    expect((await stat(join(b.stateDir, "key.pem"))).mode & 0o777).toBe(0o600);
    // The token went to the portal; the private key never did.
    expect(portal.bodies.some((body) => body.includes(site.token.token))).toBe(true);
    expect(portal.bodies.some((body) => body.includes("PRIVATE KEY"))).toBe(false);

    // Enrolling twice is refused with a way out.
    const again = await cli(["enroll", "--token", site.token.token, "--config", b.config]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`already enrolled as ${identity}`);

    // status without a running agent: from the state dir, exit 3.
    const cfg = JSON.parse(await readFile(b.config, "utf8"));
    await writeFile(b.config, JSON.stringify({ ...cfg, health: { port: await freePort() } }));
    const s = await cli(["status", "--config", b.config]);
    expect(s.code).toBe(3);
    expect(s.stdout).toContain(identity);
    expect(s.stdout).toMatch(/not running/);
  });

  const refusals: [string, (site: Site) => Promise<string>, string][] = [
    [
      "not issued",
      async () => "ptk_this-token-was-never-issued",
      "This enrollment token is not valid",
    ],
    [
      "revoked",
      async (site) => {
        await site.api.site.revokeToken({ orgSlug: site.slug, tokenId: site.token.id });
        return site.token.token;
      },
      "This enrollment token was revoked",
    ],
    [
      "expired",
      async (site) => {
        await expireToken(site);
        return site.token.token;
      },
      "This enrollment token has expired",
    ],
    [
      "used up",
      async (site) => {
        const first = new FileStore(join(box().dir, "first"));
        await enroll({ url: stack.portalUrl, token: site.token.token, store: first });
        return site.token.token;
      },
      "This enrollment token has been used up",
    ],
  ];

  it.each(refusals)(
    "refuses a token that is %s, with the portal's message (exit 3)",
    async (_, make, msg) => {
      const site = await createSite({ maxUses: 1 });
      const token = await make(site);
      const before = (await devicesOf(site)).length;
      const b = box();
      const r = await cli(enrollArgs(b, token));
      expect(r.code).toBe(3);
      expect(r.stderr).toBe(`patronus-agent: enrollment failed: ${msg}\n`);
      expect(r.stdout).not.toMatch(/enrolled:/);
      expect(await devicesOf(site)).toHaveLength(before);
      expect(await new FileStore(b.stateDir).loadIdentity()).toBeNull();
    },
  );

  it("says so when the portal cannot be reached (exit 4)", async () => {
    const b = box();
    const r = await cli([
      "enroll",
      "--url",
      `http://127.0.0.1:${await freePort()}`,
      "--token",
      "ptk_whatever-token",
      "--config",
      b.config,
    ]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/cannot reach the portal/);
  });

  it("waits while pending and finishes once an operator approves the device", async () => {
    const site = await createSite({ autoApprove: false });
    const b = box();
    let approved: Promise<unknown> | null = null;
    const r = await cli(enrollArgs(b, site.token.token), {
      timeoutMs: 60_000,
      // Approve as soon as the CLI says it is waiting (the portal shows the device then).
      onStdout: (out) => {
        if (approved || !/is pending: approve it in the portal/.test(out)) return;
        approved = (async () => {
          const [d] = await devicesOf(site);
          expect(d).toMatchObject({ status: "pending" });
          await site.api.device.approve({ orgSlug: site.slug, deviceId: d!.id });
        })();
      },
    });
    await approved;
    expect(r.code).toBe(0);
    const [device] = await devicesOf(site);
    expect(device?.status).toBe("active");
    expect(r.stdout).toContain(`enrolled: device ${device!.id}`);
    const store = new FileStore(b.stateDir);
    expect((await store.loadIdentity())?.deviceId).toBe(device!.id);
    expect(await store.loadPending()).toBeNull();
    const creds = (await store.loadCredentials())!;
    expect(certMatchesKey(creds.certPem, creds.keyPem)).toBe(true);
  }, 90_000);

  it("a rejected device is told so and exits 3", async () => {
    const site = await createSite({ autoApprove: false });
    const b = box();
    const done = cli(enrollArgs(b, site.token.token));
    const device = await eventually("the pending device", async () => (await devicesOf(site))[0]);
    await site.api.device.reject({ orgSlug: site.slug, deviceId: device.id });
    const r = await done;
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("the portal rejected this device: device was rejected");
    expect(await new FileStore(b.stateDir).loadIdentity()).toBeNull();
  }, 90_000);

  it("--no-wait leaves a pending enrollment to resume later (secret 0600)", async () => {
    const site = await createSite({ autoApprove: false });
    const b = box();
    const r = await cli(enrollArgs(b, site.token.token, "--no-wait"));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/pending approval/);
    const [device] = await devicesOf(site);
    expect(device).toMatchObject({ status: "pending" });
    const p = await new FileStore(b.stateDir).loadPending();
    expect(p).toMatchObject({ deviceId: device!.id, portalUrl: portal.url, retryAfterSeconds: 5 });
    expect((await stat(join(b.stateDir, "enroll-pending.json"))).mode & 0o777).toBe(0o600);
  });
});

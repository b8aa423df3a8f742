// Many enrollments at once on one token, through the real HTTP endpoint with billing on:
// the group commit (enroll-commit.ts) must give each request its own answer — exactly as
// many devices as the plan allows, a clear 402 for the rest, never a 500 — keep the token's
// use count exact, and sign only with the token's own org's CA (the CA signers are cached
// per process, signer-cache.ts).
import "../../testkit/stripe-env";
import { X509Certificate } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDeviceKey } from "../../protocol/crypto/device-key";
import { x509 } from "../../protocol/crypto/x509";
import { serveEnrollmentOnLoopback } from "../../server/domains/fleet/enrollment/serve-loopback";
import { signDeviceCsr } from "../../server/domains/fleet/pki/ca";
import { orgSigner } from "../../server/domains/fleet/pki/signer-cache";
import { env } from "../../server/platform/env";
import { closeQueues } from "../../server/platform/jobs/queues";
import { getRedis, redisKey } from "../../server/platform/redis";
import { asOrg, billedOrg } from "../../testkit/factories/billing";

let server: Awaited<ReturnType<typeof serveEnrollmentOnLoopback>>;
beforeAll(async () => {
  server = await serveEnrollmentOnLoopback();
});
// Refusals count as the client's failures (a 402 too), and every request here comes from
// 127.0.0.1: each test starts with the failure count of that address at zero.
beforeEach(async () => {
  const redis = getRedis();
  const keys = await redis.keys(redisKey("fleet:enroll-fail:*"));
  if (keys.length > 0) await redis.del(...keys);
});
afterAll(async () => {
  server.server.closeAllConnections();
  await new Promise((r) => server.server.close(r));
  await closeQueues();
});

/** A billed org on a plan allowing `devices`, with a site and an auto-approving token. */
async function orgWithToken(devices: number, maxUses: number) {
  const org = await billedOrg();
  await asOrg(org.orgId, (tx) =>
    tx.billingAccount.update({
      where: { orgId: org.orgId },
      data: { planOverride: "enterprise", customLimits: { devices } },
    }),
  );
  const site = await org.api.site.create({ orgSlug: org.slug, name: "HQ" });
  const token = await org.api.site.createToken({
    orgSlug: org.slug,
    siteId: site.id,
    maxUses,
    autoApprove: true,
  });
  return { ...org, siteId: site.id, token };
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
  busy: number;
}

/** POSTs an enrollment; a 503 is retried after its Retry-After, as the agent does. */
async function enrollOnce(token: string, csr: string, hostname: string): Promise<Answer> {
  let busy = 0;
  for (;;) {
    const res = await fetch(`${server.url}/api/fleet/enroll`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token, csr, hostname }),
    });
    const body = (await res.json()) as Record<string, unknown>;
    if (res.status !== 503) return { status: res.status, body, busy };
    busy++;
    await new Promise((r) => setTimeout(r, Number(res.headers.get("retry-after") ?? 1) * 1000));
  }
}

const caOf = (orgId: string) =>
  asOrg(orgId, (tx) => tx.fleetCa.findUniqueOrThrow({ where: { orgId } }));

describe("concurrent enrollments on one token", () => {
  it("enrolls exactly the plan's 150 of 200 at once; the others get a clear 402, none a 5xx", async () => {
    const org = await orgWithToken(150, 200);
    const csrs = await Promise.all(
      Array.from({ length: 200 }, async () => (await createDeviceKey()).csrPem),
    );
    const answers = await Promise.all(
      csrs.map((csr, i) => enrollOnce(org.token.token, csr, `box-${i}`)),
    );

    expect(answers.filter((a) => a.status >= 500 && a.status !== 503)).toEqual([]);
    const ok = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status !== 200);
    expect(ok).toHaveLength(150);
    expect(refused).toHaveLength(50);
    for (const r of refused)
      expect(r.body).toMatchObject({
        status: 402,
        error: { code: "PAYMENT_REQUIRED", message: expect.stringMatching(/allows 150 devices/) },
      });

    const { uses } = await asOrg(org.orgId, (tx) =>
      tx.enrollmentToken.findFirstOrThrow({ where: { orgId: org.orgId, id: org.token.id } }),
    );
    expect(uses).toBe(150);
    const devices = await asOrg(org.orgId, (tx) =>
      tx.device.findMany({ where: { orgId: org.orgId }, select: { id: true, certSerial: true } }),
    );
    expect(devices).toHaveLength(150);
    expect(new Set(ok.map((a) => a.body.deviceId))).toEqual(new Set(devices.map((d) => d.id)));

    // Every certificate is the org CA's, names its device, and is the one recorded.
    const ca = new X509Certificate((await caOf(org.orgId)).certPem);
    const serials = new Map(devices.map((d) => [d.id, d.certSerial]));
    for (const a of ok) {
      const cert = new X509Certificate(String(a.body.certificate));
      expect(cert.verify(ca.publicKey)).toBe(true);
      expect(cert.checkIssued(ca)).toBe(true);
      expect(cert.subject).toContain(`CN=${org.orgId}.${a.body.deviceId}`);
      expect(cert.serialNumber.toLowerCase().replace(/^(00)+/, "")).toBe(
        serials.get(String(a.body.deviceId)),
      );
    }
    const busy = answers.reduce((n, a) => n + a.busy, 0);
    console.info(
      `200 concurrent enrollments: 150 enrolled, 50 refused (402), ${busy} busy retried`,
    );
  }, 300_000);

  it("answers mutated CSRs with a 400, never a 500 (test/fleet/pki fuzzes 500 without HTTP)", async () => {
    const org = await orgWithToken(10, 10);
    const { csrPem } = await createDeviceKey();
    const der = Buffer.from(new x509.Pkcs10CertificateRequest(csrPem).rawData);
    const statuses = new Map<number, number>();
    // Fewer than the failures an address may have in a window (then it hears 429).
    for (let i = 0; i < 25; i++) {
      const b = Buffer.from(der);
      const at = (i * 97) % b.length;
      b[at] = (b[at] as number) ^ (1 + (i % 255));
      const pem = x509.PemConverter.encode(new Uint8Array(b), "CERTIFICATE REQUEST");
      const { status } = await enrollOnce(org.token.token, pem, `fuzz-${i}`);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    expect(Object.fromEntries(statuses)).toEqual({ 400: 25 });
  }, 300_000);
});

describe("enrollment across tenants", () => {
  it("enrolls a token of org A into org A only, signed by A's CA, whatever B's signer holds", async () => {
    const a = await orgWithToken(5, 5);
    const b = await orgWithToken(5, 5);
    // Both orgs' signers are in the cache before the enrollment.
    const [caA, caB] = [await caOf(a.orgId), await caOf(b.orgId)];
    const signerA = await orgSigner(a.orgId, caA.certPem, caA.keyEnc, env.FLEET_MASTER_KEY);
    const signerB = await orgSigner(b.orgId, caB.certPem, caB.keyEnc, env.FLEET_MASTER_KEY);
    expect([signerA.orgId, signerB.orgId]).toEqual([a.orgId, b.orgId]);

    const { csrPem } = await createDeviceKey();
    const res = await enrollOnce(a.token.token, csrPem, "box-a");
    expect(res.status).toBe(200);
    expect(res.body.identity).toBe(`${a.orgId}.${res.body.deviceId}`);
    const cert = new X509Certificate(String(res.body.certificate));
    expect(cert.verify(new X509Certificate(caA.certPem).publicKey)).toBe(true);
    expect(cert.verify(new X509Certificate(caB.certPem).publicKey)).toBe(false);
    expect(await asOrg(b.orgId, (tx) => tx.device.count({ where: { orgId: b.orgId } }))).toBe(0);
    expect(await asOrg(a.orgId, (tx) => tx.device.count({ where: { orgId: a.orgId } }))).toBe(1);

    // Org A's CA, cached or not, never signs an identity of org B.
    await expect(
      signDeviceCsr({
        caCertPem: caA.certPem,
        caKeyEnc: caA.keyEnc,
        masterKeyHex: env.FLEET_MASTER_KEY,
        csrPem,
        identity: `${b.orgId}.cdevice000000000001`,
        hours: 1,
      }),
    ).rejects.toThrow(/does not belong to this org's CA/);
    // Asked for org B with A's CA material, the cache answers A's signer, which the caller refuses.
    const asB = await orgSigner(b.orgId, caA.certPem, caA.keyEnc, env.FLEET_MASTER_KEY);
    expect(asB.orgId).toBe(a.orgId);
  });
});

// The enrollment endpoint refusing what it must, as an HTTP contract (the stack serves the
// handler the portal mounts at /api/fleet/enroll): each bad token, CSR or body is a 4xx
// JSON `{ error: { code, message } }` that says what was wrong, creates no device and
// spends no token use. What the agent's CLI makes of the token refusals is in
// test/agent/enroll.int.test.ts.
import pg from "pg";
import { describe, expect, it } from "vitest";
import { createDeviceKey } from "../../../protocol/crypto/device-key";
import { x509 } from "../../../protocol/crypto/x509";
import { getDb } from "../../../server/platform/db/client";
import { withScope } from "../../../server/platform/db/with-tenant";
import { env } from "../../../server/platform/env";
import { Cleanups } from "../../../testkit/cleanups";
import { devicesOf } from "../../../testkit/factories/fleet";
import { createTenant, type Tenant } from "../../../testkit/factories/tenant";
import { useFleetStack } from "../../../testkit/stack/fleet-stack";

const cleanups = new Cleanups();
const stack = useFleetStack({ cleanups });

async function post(body: string, contentType = "application/json") {
  const res = await fetch(`${stack.portalUrl}/api/fleet/enroll`, {
    method: "POST",
    headers: { "content-type": contentType },
    body,
    signal: AbortSignal.timeout(15_000),
  });
  return { status: res.status, type: res.headers.get("content-type"), json: await res.json() };
}

const request = (token: string, csr: string) =>
  JSON.stringify({ token, csr, hostname: "box", agentVersion: "test" });

function newToken(tenant: Tenant, maxUses = 1) {
  return tenant.caller.site.createToken({ orgSlug: tenant.slug, siteId: tenant.siteId, maxUses });
}

async function tokenUses(tenant: Tenant, tokenId: string) {
  const t = await withScope(getDb(), { orgId: tenant.orgId }, (tx) =>
    tx.enrollmentToken.findUnique({ where: { id: tokenId, orgId: tenant.orgId } }),
  );
  return t?.uses;
}

/** A well-formed PKCS#10 request for an RSA key: parses, but no device key is RSA. */
async function rsaCsr() {
  const alg = {
    name: "RSASSA-PKCS1-v1_5",
    modulusLength: 2048,
    publicExponent: new Uint8Array([1, 0, 1]),
    hash: "SHA-256",
  };
  const keys = (await crypto.subtle.generateKey(alg, true, ["sign", "verify"])) as CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: "CN=box",
    keys,
    signingAlgorithm: alg,
  });
  return csr.toString("pem");
}

/** A real CSR with one byte of its subject changed: it parses, its signature does not verify. */
async function tamperedCsr() {
  const { csrPem } = await createDeviceKey("patronus-box");
  const der = Buffer.from(new x509.Pkcs10CertificateRequest(csrPem).rawData);
  const at = der.indexOf(Buffer.from("patronus-box"));
  der[at] = "P".charCodeAt(0);
  return new x509.Pkcs10CertificateRequest(der).toString("pem");
}

describe("enrollment refusals", () => {
  it("refuses bad tokens with 401 and says which way each is bad", async () => {
    const tenant = await createTenant();
    const { csrPem } = await createDeviceKey();

    const usedUp = await newToken(tenant, 1);
    expect((await post(request(usedUp.token, csrPem))).status).toBe(200);
    const expired = await newToken(tenant);
    // No API makes a token that has already expired: let an hour pass, as far as it knows.
    const owner = new pg.Client({ connectionString: env.DATABASE_URL });
    await owner.connect();
    cleanups.add(() => owner.end());
    await owner.query(
      `UPDATE enrollment_tokens SET "expiresAt" = now() - interval '1 minute' WHERE id = $1`,
      [expired.id],
    );
    const revoked = await newToken(tenant);
    await tenant.caller.site.revokeToken({ orgSlug: tenant.slug, tokenId: revoked.id });

    const devicesBefore = (await devicesOf(tenant.orgId)).length;
    const cases = [
      ["used up", usedUp, /^This enrollment token has been used up$/],
      ["expired", expired, /^This enrollment token has expired$/],
      ["revoked", revoked, /^This enrollment token was revoked$/],
      [
        "garbage",
        { id: null, token: "ptk_this-is-no-token-at-all" },
        /^This enrollment token is not valid$/,
      ],
    ] as const;
    for (const [name, t, message] of cases) {
      const uses = t.id ? await tokenUses(tenant, t.id) : undefined;
      const res = await post(request(t.token, csrPem));
      expect(res, name).toMatchObject({
        status: 401,
        type: "application/problem+json",
        json: { error: { code: "UNAUTHORIZED", message: expect.stringMatching(message) } },
      });
      if (t.id) expect(await tokenUses(tenant, t.id), name).toBe(uses);
    }
    expect(await devicesOf(tenant.orgId)).toHaveLength(devicesBefore);
  });

  it("refuses malformed CSRs and bodies with 400, spending no token use", async () => {
    const tenant = await createTenant();
    const t = await newToken(tenant, 5);
    const { csrPem } = await createDeviceKey();
    const notPem = `-----BEGIN CERTIFICATE REQUEST-----\n${"A".repeat(120)}\n-----END CERTIFICATE REQUEST-----\n`;
    const cases: [string, string, string, RegExp][] = [
      [
        "a CSR that is not PEM",
        request(t.token, notPem),
        "application/json",
        /^csr is not a PEM certificate signing request$/,
      ],
      [
        "a CSR for an RSA key",
        request(t.token, await rsaCsr()),
        "application/json",
        /CSR key must be EC P-256/,
      ],
      [
        "a CSR whose signature fails",
        request(t.token, await tamperedCsr()),
        "application/json",
        /CSR signature does not verify/,
      ],
      ["a body that is not JSON", "{token: nope", "application/json", /^message is not JSON$/],
      [
        "a body without a CSR",
        JSON.stringify({ token: t.token, hostname: "box" }),
        "application/json",
        /^invalid message: csr: /,
      ],
    ];
    const refusals: [string, string, string, number, string, RegExp][] = [
      ...cases.map(
        ([name, body, type, message]) =>
          [name, body, type, 400, "BAD_REQUEST", message] as [
            string,
            string,
            string,
            number,
            string,
            RegExp,
          ],
      ),
      [
        "a form post",
        `token=${t.token}`,
        "application/x-www-form-urlencoded",
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        /^Send the request as application\/json$/,
      ],
      [
        "an oversized body",
        request(t.token, csrPem).replace('"box"', `"${"x".repeat(300_000)}"`),
        "application/json",
        413,
        "PAYLOAD_TOO_LARGE",
        /^The request body is larger than \d+ bytes$/,
      ],
    ];
    for (const [name, body, type, status, code, message] of refusals) {
      const res = await post(body, type);
      expect(res, name).toMatchObject({
        status,
        type: "application/problem+json",
        // `error` is the shape first-release agents read; `detail`/`code` the RFC 9457 one
        json: {
          status,
          code,
          detail: expect.stringMatching(message),
          requestId: expect.any(String),
          error: { code, message: expect.stringMatching(message) },
        },
      });
    }
    expect(await devicesOf(tenant.orgId)).toEqual([]);
    expect(await tokenUses(tenant, t.id)).toBe(0);
  });
});

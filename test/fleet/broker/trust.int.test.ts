// The broker's trust from the database (read as the app role) and its change
// notifications over Redis.
import { afterAll, describe, expect, it } from "vitest";
import { x509 } from "../../../protocol/crypto/x509";
import {
  identitiesOfSerials,
  loadTrust,
  publishTrustChanged,
  subscribeTrustChanged,
  type TrustChanged,
} from "../../../server/domains/fleet/broker/trust";
import { getDb } from "../../../server/platform/db/client";
import { createRedis, redisKey } from "../../../server/platform/redis";
import {
  createDeviceWithCert,
  createOrgWithCa,
  publishCa,
} from "../../../testkit/factories/fleet-db";
import { makePlatform } from "../../../testkit/factories/pki";

const redis = createRedis();
afterAll(async () => {
  await redis.quit();
});

const subjects = (bundle: string) =>
  (bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map(
    (p) => new x509.X509Certificate(p).subject,
  );

describe("loadTrust", () => {
  it("bundles the platform CA and every old self-signed org CA, leaving out broken rows", async () => {
    const platform = await makePlatform();
    try {
      const [a, b, broken] = [
        await createOrgWithCa(),
        await createOrgWithCa(),
        await createOrgWithCa(),
      ];
      await publishCa(a);
      // A CRL labelled the way @peculiar/x509 labels it, which OpenSSL would not read.
      await publishCa({ ...b, crlPem: b.crlPem.replace(/X509 CRL/g, "CRL") });
      await publishCa({ ...broken, crlPem: a.crlPem }); // a CRL that is not its CA's

      // Mosquitto's form: one CRL per org, since OpenSSL wants one for every issuer.
      const trust = await loadTrust(getDb(), platform.pki, { everyCrl: true });
      const names = subjects(trust.caBundle);
      expect(names[0]).toBe("CN=Patronus platform CA");
      expect(names).toEqual(
        expect.arrayContaining([`O=${a.orgId}, CN=Patronus org ${a.orgId} CA`]),
      );
      expect(names).toEqual(
        expect.arrayContaining([`O=${b.orgId}, CN=Patronus org ${b.orgId} CA`]),
      );
      expect(names.join()).not.toContain(broken.orgId);
      // A CRL for every anchor (and for every org under the root, which adds no anchor).
      const issuers = (
        trust.crlBundle.match(/-----BEGIN X509 CRL-----[\s\S]+?-----END X509 CRL-----/g) ?? []
      ).map((p) => new x509.X509Crl(p).issuer);
      expect(issuers).toEqual(expect.arrayContaining(names));
      expect(trust.crlBundle).not.toMatch(/BEGIN CRL/);
      expect(trust.skipped).toContainEqual({
        orgId: broken.orgId,
        reason: "CRL issuer is not the CA",
      });
      // The embedded broker's form: the CAs alike, and only CRLs that revoke something
      // (the platform's is always there).
      const embedded = await loadTrust(getDb(), platform.pki);
      expect(embedded.caBundle).toBe(trust.caBundle);
      const crls = (
        embedded.crlBundle.match(/-----BEGIN X509 CRL-----[\s\S]+?-----END X509 CRL-----/g) ?? []
      ).map((p) => new x509.X509Crl(p));
      expect(crls[0]?.issuer).toBe("CN=Patronus platform CA");
      expect(crls.slice(1).every((c) => c.entries.length > 0)).toBe(true);
      expect(crls.map((c) => c.issuer).join()).not.toContain(a.orgId);
    } finally {
      await platform.cleanup();
    }
  });
});

describe("identitiesOfSerials", () => {
  it("maps certificate serials to device identities within one org only", async () => {
    const [a, b] = [await createOrgWithCa(), await createOrgWithCa()];
    const [a1, a2, b1] = [
      await createDeviceWithCert(a),
      await createDeviceWithCert(a),
      await createDeviceWithCert(b),
    ];
    expect(
      (await identitiesOfSerials(getDb(), a.orgId, [a1.serial, a2.serial.toUpperCase()])).sort(),
    ).toEqual([a1.identity, a2.identity].sort());
    expect(await identitiesOfSerials(getDb(), a.orgId, [b1.serial])).toEqual([]);
    expect(await identitiesOfSerials(getDb(), a.orgId, [])).toEqual([]);
  });
});

describe("trust change notifications", () => {
  it("reach subscribers; malformed messages are reported, not delivered", async () => {
    const got: TrustChanged[] = [];
    const errors: string[] = [];
    let bothArrived = () => {};
    const arrived = new Promise<void>((resolve) => {
      bothArrived = resolve;
    });
    const unsubscribe = await subscribeTrustChanged(
      (c) => {
        got.push(c);
        if (got.length === 2) bothArrived();
      },
      { onError: (e) => errors.push(e.message) },
    );
    await redis.publish(redisKey("fleet:trust"), "{not json");
    await publishTrustChanged(redis, { orgId: "org1" });
    await publishTrustChanged(redis, { orgId: "org2", revokedSerials: ["abc"] });
    await arrived;
    await unsubscribe();
    // In any order: a Redis Cluster does not keep it across nodes (publishTrustChanged).
    expect(got.sort((a, b) => a.orgId.localeCompare(b.orgId))).toEqual([
      { orgId: "org1" },
      { orgId: "org2", revokedSerials: ["abc"] },
    ]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/ignored a malformed trust change/);
  });
});

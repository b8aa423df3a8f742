// Ownership checks against a real DNS server on loopback: every outcome a TXT lookup can
// have, and the periodic re-check that fails a domain whose record disappeared.
import { describe, expect, it } from "vitest";
import { recheckDomains } from "../../server/domains/custom-domains";
import { getDb } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import { callerFor, createOrgWithOwner, uid } from "../../testkit/factories/identity";
import { useDnsServer } from "./dns";

const server = useDnsServer();

async function claimed(hostname = `portal-${uid()}.example.test`) {
  const org = await createOrgWithOwner("msp");
  const api = callerFor(org.owner);
  const domain = await api.domain.add({ orgSlug: org.slug, hostname });
  const verify = () => api.domain.verify({ orgSlug: org.slug, domainId: domain.id });
  return { org, api, domain, verify };
}

describe("domain verification over DNS", () => {
  it("verifies a domain whose TXT record carries its token", async () => {
    const c = await claimed();
    expect(c.domain.status).toBe("pending");
    expect(c.domain.record.name).toBe(`_patronus.${c.domain.hostname}`);
    server.dns.setTxt(c.domain.record.name, ["v=spf1 -all", c.domain.record.value]);
    const after = await c.verify();
    expect(after.status).toBe("verified");
    expect(after.verifiedAt).toBeInstanceOf(Date);
    expect(after.lastError).toBeNull();
  });

  it("fails on a wrong token, naming what is wrong", async () => {
    const c = await claimed();
    server.dns.setTxt(c.domain.record.name, ["patronus-domain-verification=wrong"]);
    const after = await c.verify();
    expect(after.status).toBe("failed");
    expect(after.lastError).toContain("not this domain's token");
  });

  it("fails when the name has no TXT record", async () => {
    const c = await claimed();
    server.dns.setNoData(c.domain.record.name);
    const after = await c.verify();
    expect(after.status).toBe("failed");
    expect(after.lastError).toContain("has no TXT record");
  });

  it("fails on NXDOMAIN", async () => {
    const c = await claimed();
    const after = await c.verify();
    expect(after.status).toBe("failed");
    expect(after.lastError).toContain("NXDOMAIN");
  });

  it("fails with a clear error when the resolver never answers (no hang)", async () => {
    const c = await claimed();
    server.dns.setHang(c.domain.record.name);
    const after = await c.verify();
    expect(after.status).toBe("failed");
    expect(after.lastError).toContain("did not answer in time");
  });

  it("another org's token does not verify this org's domain", async () => {
    const other = await claimed();
    const mine = await claimed();
    // The zone carries the other org's record for my hostname's name.
    server.dns.setTxt(mine.domain.record.name, [other.domain.record.value]);
    const after = await mine.verify();
    expect(after.status).toBe("failed");
  });

  it("a squatter's pending claim does not keep the owner of the name out", async () => {
    const hostname = `owned-${uid()}.example.test`;
    const squatter = await claimed(hostname);
    // The owner claims the same name after the squatter, and proves it.
    const owner = await claimed(hostname);
    expect(owner.domain.status).toBe("pending");
    server.dns.setTxt(owner.domain.record.name, [owner.domain.record.value]);
    expect((await owner.verify()).status).toBe("verified");
    // The squatter cannot verify with its own token absent, nor take the host while the
    // owner serves it, even with its token published beside the owner's.
    expect((await squatter.verify()).status).toBe("failed");
    server.dns.setTxt(owner.domain.record.name, [
      owner.domain.record.value,
      squatter.domain.record.value,
    ]);
    const refused = await squatter.verify();
    expect(refused.status).toBe("failed");
    expect(refused.lastError).toContain("verified by another organization");
    // The owner's verification stands.
    const [mine] = await owner.api.domain.list({ orgSlug: owner.org.slug });
    expect(mine?.status).toBe("verified");
  });

  it("a host freed by a failed re-check can be verified by the org that now proves it", async () => {
    const hostname = `moved-${uid()}.example.test`;
    const before = await claimed(hostname);
    server.dns.setTxt(before.domain.record.name, [before.domain.record.value]);
    expect((await before.verify()).status).toBe("verified");
    const after = await claimed(hostname);
    server.dns.setTxt(after.domain.record.name, [after.domain.record.value]);
    // The record now proves the second org: the first fails its check and frees the host.
    expect((await before.verify()).status).toBe("failed");
    expect((await after.verify()).status).toBe("verified");
  });

  it("the re-check fails a verified domain whose record disappeared", async () => {
    const c = await claimed();
    server.dns.setTxt(c.domain.record.name, [c.domain.record.value]);
    expect((await c.verify()).status).toBe("verified");
    // Due for a re-check: last checked long ago.
    await withScope(getDb(), { orgId: c.org.org.id }, (tx) =>
      tx.customDomain.update({
        where: { id: c.domain.id, orgId: c.org.org.id },
        data: { lastCheckedAt: new Date(0) },
      }),
    );
    server.dns.remove(c.domain.record.name);
    expect(await recheckDomains(getDb())).toBeGreaterThanOrEqual(1);
    const [row] = await c.api.domain.list({ orgSlug: c.org.slug });
    expect(row?.status).toBe("failed");
    expect(row?.lastError).toContain("NXDOMAIN");
  });
});

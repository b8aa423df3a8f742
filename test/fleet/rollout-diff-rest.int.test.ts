// The rollout diffs over the REST API: a device's diff by rollout and by revisions, a
// non-numeric revision as a 400 naming the field, and another org's key answered 404.
import { describe, expect, it } from "vitest";
import { compileOrg } from "../../server/domains/fleet/compile/compile-org";
import { getDb } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import { apiOrg, useApiServer } from "../../testkit/api-server";
import { callerFor } from "../../testkit/factories/identity";

const server = useApiServer();

async function orgWithRollout() {
  const o = await apiOrg();
  const api = callerFor(o.owner);
  const site = await api.site.create({ orgSlug: o.slug, name: "HQ" });
  const device = await withScope(getDb(), { orgId: o.org.id }, (tx) =>
    tx.device.create({
      data: { orgId: o.org.id, siteId: site.id, hostname: "rest-box", status: "active" },
      select: { id: true },
    }),
  );
  await api.policy.create({
    orgSlug: o.slug,
    siteId: site.id,
    priority: 5,
    action: "deny",
    src: "10.0.0.0/8",
    dst: "10.5.0.0/16",
  });
  const outcome = await compileOrg(getDb(), o.org.id);
  return {
    ...o,
    deviceId: device.id,
    rolloutId: outcome?.rolloutId as string,
    revision: outcome?.revision as number,
  };
}

describe("rollout diffs over REST", () => {
  it("answers a device's diff by rollout and by revisions", async () => {
    const o = await orgWithRollout();
    const byRollout = await server.call(
      o.token,
      "GET",
      `/orgs/${o.slug}/rollouts/${o.rolloutId}/devices/${o.deviceId}/diff`,
    );
    expect(byRollout.status).toBe(200);
    const body = (await byRollout.json()) as { sections: { section: string }[] };
    expect(body.sections.map((s) => s.section)).toContain("policy");
    const byRevision = await server.call(
      o.token,
      "GET",
      `/orgs/${o.slug}/devices/${o.deviceId}/config-diff?from=0&to=${o.revision}`,
    );
    expect(await byRevision.json()).toEqual(body);
    const intent = await server.call(
      o.token,
      "GET",
      `/orgs/${o.slug}/rollouts/${o.rolloutId}/intent-diff`,
    );
    expect(intent.status).toBe(200);
  });

  it("answers 400 for a revision that is not a number, 404 to another org's key", async () => {
    const o = await orgWithRollout();
    const bad = await server.call(
      o.token,
      "GET",
      `/orgs/${o.slug}/devices/${o.deviceId}/config-diff?from=abc&to=1`,
    );
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain("from");
    const other = await apiOrg();
    for (const path of [
      `/orgs/${other.slug}/rollouts/${o.rolloutId}/devices/${o.deviceId}/diff`,
      `/orgs/${other.slug}/rollouts/${o.rolloutId}/intent-diff`,
      `/orgs/${other.slug}/devices/${o.deviceId}/config-diff?from=0&to=1`,
      `/orgs/${o.slug}/rollouts/${o.rolloutId}/intent-diff`,
    ]) {
      const res = await server.call(other.token, "GET", path);
      expect(res.status, path).toBe(404);
    }
  });
});

// The config flow end to end on real parts: API call → revision → compile job → retained
// desired states on Mosquitto → simulated agents (the real agent code) apply and ack over
// mTLS → ingest → rollout progress. Canary, halt on failure, rollback, approval, revocation.
import { afterAll, describe, expect, it } from "vitest";
import { configHash } from "../../protocol";
import {
  converged,
  createSiteWithToken,
  devicesOf,
  type EnrolledFleet,
  enrollFleet,
  rolloutsOf,
  until,
} from "../../testkit/factories/fleet";
import { callerFor, createOrgWithOwner } from "../../testkit/factories/identity";
import { useFleetStack } from "../../testkit/stack/fleet-stack";

const stack = useFleetStack();
const fleets: EnrolledFleet[] = [];

afterAll(async () => {
  await Promise.all(fleets.map((f) => f.stop()));
});

const denyRule = (dst: string) => ({
  priority: 10,
  action: "deny" as const,
  src: "10.0.0.0/8",
  dst,
  proto: "tcp" as const,
  ports: { lo: 22, hi: 22 },
});

describe("config rollout", () => {
  it("takes a policy change from the API to every agent, canary first, and records the acks", async () => {
    const org = await createOrgWithOwner();
    const { token } = await createSiteWithToken(org, "HQ", 10);
    const f = await enrollFleet(stack.portalUrl, token.token, 5);
    fleets.push(f);
    await until("the new devices to apply the site's config", () => converged(org.org.id));

    const api = callerFor(org.owner);
    const { revision } = await api.policy.create({
      orgSlug: org.slug,
      ...denyRule("10.9.0.0/16"),
    });
    await until("the rollout to complete", async () => {
      const r = (await rolloutsOf(org.org.id)).find((x) => x.revision === revision);
      return r?.status === "completed" && r;
    });
    const [rollout] = (await rolloutsOf(org.org.id)).filter((x) => x.revision === revision);
    expect(rollout).toMatchObject({ succeeded: 5, failed: 0 });
    expect(rollout?.canaryIds).toHaveLength(1);
    await until("the devices to converge", () => converged(org.org.id));

    // Every agent runs exactly what the database says it should.
    const devices = await devicesOf(org.org.id);
    for (const [i, driver] of f.fleet.drivers.entries()) {
      const agent = f.fleet.agents[i]!.snapshot();
      const row = devices.find((d) => d.id === agent.deviceId)!;
      expect(configHash(driver.current)).toBe(row.desiredHash);
      expect(driver.current?.rules.map((r) => r.dst)).toEqual(["10.9.0.0/16"]);
      expect(agent.revision).toBe(revision);
    }
    // The portal's view of the same facts.
    const view = await api.rollout.get({ orgSlug: org.slug, rolloutId: rollout!.id });
    expect(view.devices.every((d) => d.state === "applied")).toBe(true);
  });

  it("halts when the canary fails, leaves the others untouched, and rolls back in one call", async () => {
    const org = await createOrgWithOwner();
    const { token } = await createSiteWithToken(org, "Branch", 10);
    // Agents whose data plane refuses any config that mentions 10.66.0.0/16.
    const f = await enrollFleet(stack.portalUrl, token.token, 4, { failMarker: "10.66.0.0/16" });
    fleets.push(f);
    await until("the first config to apply", () => converged(org.org.id));
    const api = callerFor(org.owner);
    const good = await api.policy.create({ orgSlug: org.slug, ...denyRule("10.5.0.0/16") });
    // Completed, not only converged: while the canary stage runs, the others still desire
    // the revision before and so look converged too.
    await until("the good change to converge", async () => {
      const r = (await rolloutsOf(org.org.id)).find((x) => x.revision === good.revision);
      return r?.status === "completed" && converged(org.org.id);
    });

    const bad = await api.policy.create({ orgSlug: org.slug, ...denyRule("10.66.0.0/16") });
    const halted = await until("the rollout to halt", async () => {
      const r = (await rolloutsOf(org.org.id)).find((x) => x.revision === bad.revision);
      return r?.status === "halted" && r;
    });
    expect(halted.haltReason).toMatch(/1 device\(s\) failed: .*10\.66\.0\.0\/16/);
    const devices = await devicesOf(org.org.id);
    const canary = devices.find((d) => d.id === halted.canaryIds[0])!;
    // The canary rolled back to the last good revision and said why.
    expect(canary).toMatchObject({
      reportedRevision: good.revision,
      attemptedRevision: bad.revision,
      applyStatus: "rolled_back",
    });
    // Nobody else was sent the bad revision.
    for (const d of devices.filter((d) => d.id !== canary.id)) {
      expect(d.desiredRevision).toBe(good.revision);
      expect(d.reportedRevision).toBe(good.revision);
    }
    for (const driver of f.fleet.drivers)
      expect(driver.current?.rules.map((r) => r.dst)).toEqual(["10.5.0.0/16"]);
    const audit = await api.audit.list({ orgSlug: org.slug });
    // halted by the progress job, and the audit log says so: a system principal
    expect(audit.items.find((a) => a.action === "rollout.halted")).toMatchObject({
      actorKind: "system",
      actorId: "rollout.progress",
      actorEmail: null,
    });

    const back = await api.rollout.rollback({ orgSlug: org.slug, rolloutId: halted.id });
    expect(back.restored).toBe(good.revision);
    expect((await api.policy.list({ orgSlug: org.slug })).items.map((r) => r.dst)).toEqual([
      "10.5.0.0/16",
    ]);
    await until("the rollback to converge", () => converged(org.org.id));
    // Only the canary ran something else; the rest already run the restored content, so
    // the rollback rollout leaves them alone. Everyone ends on the same config.
    const after = await devicesOf(org.org.id);
    expect(new Set(after.map((d) => d.reportedHash)).size).toBe(1);
    expect(after.find((d) => d.id === canary.id)?.reportedRevision).toBe(back.revision);
    for (const driver of f.fleet.drivers)
      expect(driver.current?.rules.map((r) => r.dst)).toEqual(["10.5.0.0/16"]);
  });

  it("enrolls a device that waits for approval, and revoking it shuts it out at once", async () => {
    const org = await createOrgWithOwner();
    const { site, token } = await createSiteWithToken(org, "Remote", 2, false);
    const api = callerFor(org.owner);
    const pending = enrollFleet(stack.portalUrl, token.token, 1);
    const device = await until("the pending device", async () =>
      (await api.device.list({ orgSlug: org.slug, siteId: site.id })).items.find(
        (d) => d.status === "pending",
      ),
    );
    await api.device.approve({ orgSlug: org.slug, deviceId: device.id });
    const f = await pending;
    fleets.push(f);
    await until("the approved device to apply its config", () => converged(org.org.id));
    expect(f.fleet.agents[0]!.connected).toBe(true);

    await api.device.revoke({ orgSlug: org.slug, deviceId: device.id });
    await until("the broker to drop the revoked device", async () => !f.fleet.agents[0]!.connected);
    expect((await api.device.get({ orgSlug: org.slug, deviceId: device.id })).status).toBe(
      "revoked",
    );
    // It keeps trying with backoff, and keeps being refused.
    await new Promise((r) => setTimeout(r, 1500));
    expect(f.fleet.agents[0]!.connected).toBe(false);
  });

  it("renews a device certificate over the channel, and the device stays connected", async () => {
    const org = await createOrgWithOwner();
    const { token } = await createSiteWithToken(org, "Renewing", 1);
    const f = await enrollFleet(stack.portalUrl, token.token, 1);
    fleets.push(f);
    await until("the device to converge", () => converged(org.org.id));
    const [before] = await devicesOf(org.org.id);
    await f.fleet.agents[0]!.renew();
    const after = await until("a new certificate", async () => {
      const [d] = await devicesOf(org.org.id);
      return d?.certSerial !== before?.certSerial && d;
    });
    expect(after.certNotAfter!.getTime()).toBeGreaterThanOrEqual(before!.certNotAfter!.getTime());
    await until("the agent to reconnect with it", async () => f.fleet.agents[0]!.connected);
    const api = callerFor(org.owner);
    const { revision } = await api.policy.create({
      orgSlug: org.slug,
      ...denyRule("10.8.0.0/16"),
    });
    await until(
      "the change to arrive over the new certificate",
      async () => f.fleet.agents[0]!.snapshot().revision === revision,
    );
  });

  it("keeps tenants apart: another org's members see none of these devices or rollouts", async () => {
    const a = await createOrgWithOwner();
    const b = await createOrgWithOwner();
    const { site, token } = await createSiteWithToken(a, "Secret site", 2);
    const f = await enrollFleet(stack.portalUrl, token.token, 1);
    fleets.push(f);
    await until("a's device to converge", () => converged(a.org.id));
    const asB = callerFor(b.owner);
    expect((await asB.device.list({ orgSlug: b.slug })).items).toEqual([]);
    const aDevice = (await devicesOf(a.org.id))[0]!;
    await expect(asB.device.get({ orgSlug: b.slug, deviceId: aDevice.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(
      asB.device.revoke({ orgSlug: b.slug, deviceId: aDevice.id }),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(asB.site.get({ orgSlug: b.slug, siteId: site.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(asB.device.list({ orgSlug: a.slug })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

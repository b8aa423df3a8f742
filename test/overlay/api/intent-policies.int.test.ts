// Steering policies through the API: every reference must be the org's own, a policy
// must say what it steers; and who may write.
import { afterAll, describe, expect, it } from "vitest";
import { closeQueues } from "../../../server/platform/jobs/queues";
import { addMember, callerFor } from "../../../testkit/factories/identity";
import {
  auditOf,
  bumps,
  codeOf,
  errorOf,
  latestSnapshot,
  linkInput,
  overlayOrg,
  voiceSla as voice,
} from "../../../testkit/factories/overlay";

afterAll(closeQueues);

describe("steering policies", () => {
  it("creates the policy of the issue, checks every reference, lists in priority order", async () => {
    const o = await overlayOrg(["HQ", "aws-us-east"]);
    const [hq, aws] = o.siteIds as [string, string];
    await o.api.overlay.links.create({
      orgSlug: o.slug,
      ...linkInput(hq, "fiber", "eth0", "198.51.100.10"),
    });
    await o.api.overlay.links.create({
      orgSlug: o.slug,
      ...linkInput(aws, "internet", "eth0", "198.51.100.40"),
    });
    const sla = await o.api.overlay.sla.create({
      orgSlug: o.slug,
      ...voice,
      name: "interactive",
      maxLatencyMs: 100,
    });
    const app = await o.api.overlay.apps.create({
      orgSlug: o.slug,
      name: "interactive",
      kind: "interactive",
      match: [{ proto: "tcp", lo: 22, hi: 22 }],
    });
    const group = await o.api.overlay.groups.create({
      orgSlug: o.slug,
      name: "executives",
      prefixes: ["10.10.20.0/24"],
    });
    const policy = {
      name: "SSH from executives over aws-us-east",
      priority: 100,
      appClassId: app.id,
      userGroupId: group.id,
      preferred: [{ siteId: aws }],
      slaClassId: sla.id,
      onViolation: "best_effort" as const,
    };
    const created = await bumps(o, () =>
      o.api.overlay.policies.create({ orgSlug: o.slug, ...policy }),
    );
    await o.api.overlay.policies.create({
      orgSlug: o.slug,
      name: "first",
      priority: 1,
      srcPrefixes: ["10.10.0.0/16", "10.10.0.0/16"],
      preferred: [{ siteId: aws, localLink: "fiber", remoteLink: "internet" }],
    });
    const { items: list } = await o.api.overlay.policies.list({ orgSlug: o.slug });
    expect(list.map((p) => p.name)).toEqual(["first", policy.name]);
    expect(list[0]?.srcPrefixes).toEqual(["10.10.0.0/16"]);
    expect(list[1]).toEqual({
      id: created.id,
      ...policy,
      siteId: null,
      srcPrefixes: [],
      enabled: true,
    });
    expect((await auditOf(o.orgId, "overlay.policy.create")).map((a) => a.targetId)).toContain(
      created.id,
    );

    const create = (p: Record<string, unknown>) =>
      o.api.overlay.policies.create({ orgSlug: o.slug, name: "x", priority: 5, ...p } as never);
    // A policy must say what it steers.
    const empty = await errorOf(create({}));
    expect(empty.code).toBe("BAD_REQUEST");
    expect(empty.message).toMatch(/needs an application class, a user group or source prefixes/);
    expect(await codeOf(create({ srcPrefixes: ["10.0.0.0/8"], onViolation: "panic" }))).toBe(
      "BAD_REQUEST",
    );
    expect(await codeOf(create({ srcPrefixes: ["bad"] }))).toBe("BAD_REQUEST");
    // Unknown references are NOT_FOUND, whichever they are.
    for (const bad of [
      { appClassId: "nope" },
      { userGroupId: "nope" },
      { srcPrefixes: ["10.0.0.0/8"], slaClassId: "nope" },
      { srcPrefixes: ["10.0.0.0/8"], siteId: "nope" },
      { srcPrefixes: ["10.0.0.0/8"], preferred: [{ siteId: "nope" }] },
      { srcPrefixes: ["10.0.0.0/8"], preferred: [{ siteId: aws, remoteLink: "mpls" }] },
      { srcPrefixes: ["10.0.0.0/8"], preferred: [{ siteId: aws, localLink: "dsl" }] },
      {
        srcPrefixes: ["10.0.0.0/8"],
        siteId: hq,
        preferred: [{ siteId: aws, localLink: "internet" }],
      },
    ])
      expect(await codeOf(create(bad)), JSON.stringify(bad)).toBe("NOT_FOUND");
    expect(
      await codeOf(
        create({ srcPrefixes: ["10.0.0.0/8"], siteId: hq, preferred: [{ siteId: hq }] }),
      ),
    ).toBe("BAD_REQUEST");
    expect((await errorOf(create({ ...policy }))).message).toMatch(
      /already a steering policy named/,
    );

    await bumps(o, () =>
      o.api.overlay.policies.update({
        orgSlug: o.slug,
        steeringPolicyId: created.id,
        ...policy,
        onViolation: "hold",
        enabled: false,
      }),
    );
    expect((await o.api.overlay.policies.list({ orgSlug: o.slug })).items[1]).toMatchObject({
      onViolation: "hold",
      enabled: false,
    });
    expect(
      await codeOf(
        o.api.overlay.policies.update({
          orgSlug: o.slug,
          steeringPolicyId: created.id,
          ...policy,
          name: "first",
        }),
      ),
    ).toBe("CONFLICT");
    await bumps(o, () =>
      o.api.overlay.policies.delete({ orgSlug: o.slug, steeringPolicyId: created.id }),
    );
    expect(
      await codeOf(
        o.api.overlay.policies.delete({ orgSlug: o.slug, steeringPolicyId: created.id }),
      ),
    ).toBe("NOT_FOUND");
    const snap = (await latestSnapshot(o.orgId)).intent as {
      overlay: { policies: { name: string }[] };
    };
    expect(snap.overlay.policies.map((p) => p.name)).toEqual(["first"]);
  });

  it("a viewer reads but cannot write", async () => {
    const o = await overlayOrg();
    const viewer = callerFor(await addMember(o.slug, o.owner, "viewer"));
    expect(await codeOf(viewer.overlay.sla.list({ orgSlug: o.slug }))).toBe("OK");
    expect(await codeOf(viewer.overlay.topology({ orgSlug: o.slug }))).toBe("OK");
    expect(await codeOf(viewer.overlay.sla.create({ orgSlug: o.slug, ...voice }))).toBe(
      "FORBIDDEN",
    );
    expect(
      await codeOf(
        viewer.overlay.links.create({
          orgSlug: o.slug,
          ...linkInput(o.siteIds[0]!, "f", "eth0"),
        }),
      ),
    ).toBe("FORBIDDEN");
  });
});

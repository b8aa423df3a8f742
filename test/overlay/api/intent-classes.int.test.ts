// SLA classes, application classes and user groups through the API: numbering, name
// clashes, and what deleting one does to the policies that use it.
import { afterAll, describe, expect, it } from "vitest";
import { closeQueues } from "../../../server/platform/jobs/queues";
import {
  auditOf,
  bumps,
  codeOf,
  errorOf,
  latestSnapshot,
  overlayOrg,
  voiceSla as voice,
} from "../../../testkit/factories/overlay";

afterAll(closeQueues);

describe("SLA classes, application classes and user groups", () => {
  it("SLA classes: CRUD, duplicate names, and deleting one in use unlinks its users", async () => {
    const o = await overlayOrg();
    const sla = await bumps(o, () => o.api.overlay.sla.create({ orgSlug: o.slug, ...voice }));
    const dup = await errorOf(o.api.overlay.sla.create({ orgSlug: o.slug, ...voice }));
    expect(dup.code).toBe("CONFLICT");
    expect(dup.message).toMatch(/already an SLA class named voice/);
    expect(
      await codeOf(
        o.api.overlay.sla.create({
          orgSlug: o.slug,
          ...voice,
          name: "x",
          maxLossPct: 101,
        }),
      ),
    ).toBe("BAD_REQUEST");
    expect(await codeOf(o.api.overlay.sla.create({ orgSlug: o.slug, ...voice, name: "" }))).toBe(
      "BAD_REQUEST",
    );
    await bumps(o, () =>
      o.api.overlay.sla.update({
        orgSlug: o.slug,
        slaClassId: sla.id,
        ...voice,
        maxLatencyMs: 120,
      }),
    );

    const app = await o.api.overlay.apps.create({
      orgSlug: o.slug,
      name: "voice",
      kind: "voice",
      slaClassId: sla.id,
    });
    expect((await o.api.overlay.sla.list({ orgSlug: o.slug })).items[0]).toEqual({
      id: sla.id,
      ...voice,
      maxLatencyMs: 120,
      inUse: 1,
    });

    await bumps(o, () => o.api.overlay.sla.delete({ orgSlug: o.slug, slaClassId: sla.id }));
    expect((await o.api.overlay.sla.list({ orgSlug: o.slug })).items).toEqual([]);
    const [kept] = (await o.api.overlay.apps.list({ orgSlug: o.slug })).items;
    expect(kept).toMatchObject({ id: app.id, slaClassId: null });
    const [audit] = await auditOf(o.orgId, "overlay.sla.delete");
    expect(audit?.before).toMatchObject({
      name: "voice",
      appClassesUnlinked: 1,
      policiesUnlinked: 0,
    });
  });

  it("application classes: lowest free number when omitted, explicit numbers checked, one default", async () => {
    const o = await overlayOrg();
    const mk = (name: string, extra: Record<string, unknown> = {}) =>
      o.api.overlay.apps.create({ orgSlug: o.slug, name, kind: "custom", ...extra });
    const a = await bumps(o, () =>
      mk("a", { match: [{ proto: "udp", lo: 16384, hi: 17407 }], dscp: 46 }),
    );
    await mk("c", { number: 3 });
    const b = await mk("b");
    const d = await mk("d");
    const numbers = Object.fromEntries(
      (await o.api.overlay.apps.list({ orgSlug: o.slug })).items.map((x) => [x.name, x.number]),
    );
    expect(numbers).toEqual({ a: 1, b: 2, c: 3, d: 4 });

    const taken = await errorOf(mk("e", { number: 3 }));
    expect(taken.code).toBe("CONFLICT");
    expect(taken.message).toMatch(/number 3 is used by c/);
    expect((await errorOf(mk("a"))).message).toMatch(/already an application class named a/);
    await mk("fallback", { kind: "default" });
    expect((await errorOf(mk("other-default", { kind: "default" }))).message).toMatch(
      /fallback is already the default/,
    );
    expect(await codeOf(mk("bad-ports", { match: [{ proto: "tcp", lo: 90, hi: 80 }] }))).toBe(
      "BAD_REQUEST",
    );
    expect(await codeOf(mk("bad-prefix", { match: [{ prefix: "10.0.0.0/40" }] }))).toBe(
      "BAD_REQUEST",
    );
    expect(await codeOf(mk("bad-number", { number: 251 }))).toBe("BAD_REQUEST");
    const overlap = await errorOf(
      mk("rtp-too", { match: [{ proto: "udp", lo: 17000, hi: 17001 }] }),
    );
    expect(overlap.code).toBe("CONFLICT");
    expect(overlap.message).toMatch(/udp port 17000 is already in application class a/);
    // Every class's ports share the data plane's 4,096 entries: the sum is checked here,
    // not on the boxes, which would refuse the whole config.
    await mk("rtp", { match: [{ proto: "udp", lo: 20000, hi: 23071 }] }); // 3,072 more
    const tooMany = await errorOf(
      mk("more-rtp", { match: [{ proto: "udp", lo: 30000, hi: 30000 }] }),
    );
    expect(tooMany.code).toBe("BAD_REQUEST");
    expect(tooMany.message).toMatch(/would name 4097 ports; .* at most 4096/);
    expect(await codeOf(mk("bad-sla", { slaClassId: "nope" }))).toBe("NOT_FOUND");

    // Updating without a number keeps the class's own; an explicit free one moves it.
    await bumps(o, () =>
      o.api.overlay.apps.update({
        orgSlug: o.slug,
        appClassId: b.id,
        name: "b2",
        kind: "bulk",
      }),
    );
    await o.api.overlay.apps.update({
      orgSlug: o.slug,
      appClassId: d.id,
      name: "d",
      kind: "custom",
      number: 9,
    });
    const after = await o.api.overlay.apps.list({ orgSlug: o.slug });
    expect(after.items.find((x) => x.id === b.id)).toMatchObject({
      name: "b2",
      kind: "bulk",
      number: 2,
    });
    expect(after.items.find((x) => x.id === d.id)?.number).toBe(9);
    expect(after.items.find((x) => x.id === a.id)).toMatchObject({
      dscp: 46,
      match: [{ proto: "udp", lo: 16384, hi: 17407 }],
    });
    expect(
      await codeOf(
        o.api.overlay.apps.update({
          orgSlug: o.slug,
          appClassId: d.id,
          name: "d",
          kind: "custom",
          number: 1,
        }),
      ),
    ).toBe("CONFLICT");
    expect(
      await codeOf(
        o.api.overlay.apps.update({
          orgSlug: o.slug,
          appClassId: "nope",
          name: "z",
          kind: "custom",
        }),
      ),
    ).toBe("NOT_FOUND");
  });

  it("deleting an application class or a user group deletes its policies, and says so", async () => {
    const o = await overlayOrg();
    const app = await o.api.overlay.apps.create({
      orgSlug: o.slug,
      name: "ssh",
      kind: "interactive",
      match: [{ proto: "tcp", lo: 22, hi: 22 }],
    });
    const group = await bumps(o, () =>
      o.api.overlay.groups.create({
        orgSlug: o.slug,
        name: "executives",
        prefixes: ["10.1.20.0/24"],
      }),
    );
    const p1 = await o.api.overlay.policies.create({
      orgSlug: o.slug,
      name: "ssh",
      priority: 10,
      appClassId: app.id,
    });
    await o.api.overlay.policies.create({
      orgSlug: o.slug,
      name: "exec",
      priority: 20,
      userGroupId: group.id,
    });
    await o.api.overlay.policies.create({
      orgSlug: o.slug,
      name: "other",
      priority: 30,
      srcPrefixes: ["10.9.0.0/16"],
    });
    expect((await o.api.overlay.apps.list({ orgSlug: o.slug })).items[0]?.policies).toBe(1);
    expect((await o.api.overlay.groups.list({ orgSlug: o.slug })).items[0]).toEqual({
      id: group.id,
      name: "executives",
      prefixes: ["10.1.20.0/24"],
      policies: 1,
    });

    const gone = await bumps(o, () =>
      o.api.overlay.apps.delete({ orgSlug: o.slug, appClassId: app.id }),
    );
    expect(gone.policiesDeleted).toBe(1);
    const [audit] = await auditOf(o.orgId, "overlay.app.delete");
    expect(audit?.before).toMatchObject({
      name: "ssh",
      policiesDeleted: [{ id: p1.id, name: "ssh" }],
    });
    expect((await latestSnapshot(o.orgId)).reason).toMatch(
      /ssh removed with its 1 steering policy/,
    );

    expect(
      (
        await bumps(o, () =>
          o.api.overlay.groups.delete({ orgSlug: o.slug, userGroupId: group.id }),
        )
      ).policiesDeleted,
    ).toBe(1);
    expect(
      (await o.api.overlay.policies.list({ orgSlug: o.slug })).items.map((p) => p.name),
    ).toEqual(["other"]);
    expect((await o.api.overlay.groups.list({ orgSlug: o.slug })).items).toEqual([]);
  });

  it("user groups: duplicates, bad prefixes, update", async () => {
    const o = await overlayOrg();
    const g = await o.api.overlay.groups.create({
      orgSlug: o.slug,
      name: "execs",
      prefixes: ["10.1.0.0/24"],
    });
    expect(
      await codeOf(
        o.api.overlay.groups.create({
          orgSlug: o.slug,
          name: "execs",
          prefixes: ["10.2.0.0/24"],
        }),
      ),
    ).toBe("CONFLICT");
    expect(
      await codeOf(o.api.overlay.groups.create({ orgSlug: o.slug, name: "empty", prefixes: [] })),
    ).toBe("BAD_REQUEST");
    expect(
      await codeOf(
        o.api.overlay.groups.create({
          orgSlug: o.slug,
          name: "bad",
          prefixes: ["10.1.0.256/24"],
        }),
      ),
    ).toBe("BAD_REQUEST");
    await bumps(o, () =>
      o.api.overlay.groups.update({
        orgSlug: o.slug,
        userGroupId: g.id,
        name: "execs",
        prefixes: ["10.1.0.0/24", "10.3.0.0/24"],
      }),
    );
    expect((await o.api.overlay.groups.list({ orgSlug: o.slug })).items[0]?.prefixes).toEqual([
      "10.1.0.0/24",
      "10.3.0.0/24",
    ]);
    expect((await auditOf(o.orgId, "overlay.group.update"))[0]).toMatchObject({
      before: { prefixes: ["10.1.0.0/24"] },
    });
  });
});

// A rollout's diffs on a real compile: one policy rule added and another changed show as
// exactly those two changes, in the org's intent and in a device's desired state; another
// org's caller gets NOT_FOUND for every object of this org; a key without policy.read is
// refused. No workers: the test compiles itself, as the compile job's handler does.
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "../../server/api/root";
import { compileOrg } from "../../server/domains/fleet/compile/compile-org";
import { getDb } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import { diffJson, type Json } from "../../server/platform/diff";
import { closeQueues } from "../../server/platform/jobs/queues";
import { closeRedis } from "../../server/platform/redis";
import { createTenant, type Tenant } from "../../testkit/factories/tenant";

afterAll(async () => {
  // The policy changes queued compile jobs that no worker takes here.
  await closeQueues();
  await closeRedis();
});

const rule = (priority: number, dst: string) => ({
  priority,
  action: "deny" as const,
  src: "10.0.0.0/8",
  dst,
  proto: "tcp" as const,
  ports: { lo: 22, hi: 22 },
  description: `rule ${priority}`,
});

async function addDevice(t: Tenant, hostname: string) {
  return withScope(getDb(), { orgId: t.orgId }, (tx) =>
    tx.device.create({
      data: { orgId: t.orgId, siteId: t.siteId, hostname, status: "active" },
      select: { id: true },
    }),
  );
}

async function compiled(t: Tenant) {
  const outcome = await compileOrg(getDb(), t.orgId);
  if (!outcome?.rolloutId) throw new Error("the compile made no rollout");
  return outcome.rolloutId;
}

const codeOf = (call: Promise<unknown>) =>
  call.then(
    () => "OK",
    (e: unknown) => (e instanceof TRPCError ? e.code : "THREW"),
  );

describe("rollout diffs", () => {
  let t: Tenant;
  let other: Tenant;
  let deviceId: string;
  let first: string;
  let second: string;
  let ruleOne: string;
  let ruleTwo: string;

  beforeAll(async () => {
    t = await createTenant();
    other = await createTenant();
    deviceId = (await addDevice(t, "box-1")).id;
    await addDevice(other, "other-box");
    ruleOne = (await t.caller.policy.create({ orgSlug: t.slug, ...rule(1, "10.1.0.0/16") })).id;
    await t.caller.policy.create({ orgSlug: t.slug, ...rule(3, "10.3.0.0/16") });
    first = await compiled(t);
    await compiled(other).catch(() => undefined);
    // One rule changed, one added between the two: two revisions, one compile.
    await t.caller.policy.update({ orgSlug: t.slug, ruleId: ruleOne, dst: "10.11.0.0/16" });
    ruleTwo = (await t.caller.policy.create({ orgSlug: t.slug, ...rule(2, "10.2.0.0/16") })).id;
    second = await compiled(t);
  });

  it("shows the device exactly the rule changed and the rule added", async () => {
    const diff = await t.caller.rollout.deviceDiff({
      orgSlug: t.slug,
      rolloutId: second,
      deviceId,
    });
    const r1 = await t.caller.rollout.get({ orgSlug: t.slug, rolloutId: first });
    expect(diff).toMatchObject({ deviceId, hostname: "box-1", fromRevision: r1.revision });
    expect(diff.sections).toEqual([
      {
        section: "policy",
        changes: [
          {
            op: "changed",
            path: ["rules", 0, "dst"],
            before: "10.1.0.0/16",
            after: "10.11.0.0/16",
          },
          {
            op: "added",
            path: ["rules", 1],
            after: {
              src: "10.0.0.0/8",
              dst: "10.2.0.0/16",
              proto: "tcp",
              ports: [22, 22],
              action: "deny",
            },
          },
        ],
      },
    ]);
  });

  it("shows the first rollout everything as new, and the same range by revision", async () => {
    const diff = await t.caller.rollout.deviceDiff({ orgSlug: t.slug, rolloutId: first, deviceId });
    expect(diff.fromRevision).toBeNull();
    expect(diff.sections.map((s) => s.section)).toContain("site");
    expect(diff.sections.every((s) => s.changes.every((c) => c.op === "added"))).toBe(true);
    const r1 = await t.caller.rollout.get({ orgSlug: t.slug, rolloutId: first });
    const r2 = await t.caller.rollout.get({ orgSlug: t.slug, rolloutId: second });
    const byRevision = await t.caller.device.configDiff({
      orgSlug: t.slug,
      deviceId,
      from: r1.revision,
      to: r2.revision,
    });
    const byRollout = await t.caller.rollout.deviceDiff({
      orgSlug: t.slug,
      rolloutId: second,
      deviceId,
    });
    expect(byRevision.sections).toEqual(byRollout.sections);
  });

  it("names the intent's rules that changed, by their description", async () => {
    const diff = await t.caller.rollout.intentDiff({ orgSlug: t.slug, rolloutId: second });
    expect(diff.sections.map((s) => s.section)).toEqual(["rules"]);
    const changes = diff.sections[0]?.changes ?? [];
    expect(changes).toEqual([
      {
        op: "changed",
        path: [{ key: "id", id: ruleOne, label: "rule 1" }, "dst"],
        before: "10.1.0.0/16",
        after: "10.11.0.0/16",
      },
      {
        op: "added",
        path: [{ key: "id", id: ruleTwo, label: "rule 2" }],
        after: expect.objectContaining({ id: ruleTwo, dst: "10.2.0.0/16" }),
        at: 1,
      },
    ]);
  });

  it("keeps a rule update's audit entry comparable: only the field changed differs", async () => {
    const { items } = await t.caller.audit.list({ orgSlug: t.slug, limit: 50 });
    const update = items.find((e) => e.action === "policy.rule.update");
    expect(update).toBeDefined();
    expect(diffJson(update?.before as Json, update?.after as Json)).toEqual([
      { op: "changed", path: ["dst"], before: "10.1.0.0/16", after: "10.11.0.0/16" },
    ]);
  });

  it("answers NOT_FOUND for another org's rollout, device or revision", async () => {
    const own = { orgSlug: other.slug };
    expect(await codeOf(other.caller.rollout.intentDiff({ ...own, rolloutId: second }))).toBe(
      "NOT_FOUND",
    );
    expect(
      await codeOf(other.caller.rollout.deviceDiff({ ...own, rolloutId: second, deviceId })),
    ).toBe("NOT_FOUND");
    expect(await codeOf(other.caller.device.configDiff({ ...own, deviceId, from: 0, to: 1 }))).toBe(
      "NOT_FOUND",
    );
    // Their own org's slug with this org's objects, and this org's slug as an outsider.
    expect(
      await codeOf(
        other.caller.rollout.deviceDiff({ orgSlug: t.slug, rolloutId: second, deviceId }),
      ),
    ).toBe("NOT_FOUND");
    // A revision the org never had.
    expect(
      await codeOf(t.caller.device.configDiff({ orgSlug: t.slug, deviceId, from: 0, to: 9_999 })),
    ).toBe("NOT_FOUND");
  });

  it("refuses a key without policy.read", async () => {
    const owner = await withScope(getDb(), { orgId: t.orgId }, (tx) =>
      tx.membership.findFirst({
        where: { orgId: t.orgId, role: "owner" },
        select: { userId: true },
      }),
    );
    const key = createCaller({
      db: getDb(),
      user: null,
      apiKey: {
        id: "diff-key",
        orgId: t.orgId,
        name: "sites only",
        scopes: ["site.read"],
        createdById: owner?.userId ?? "",
      },
      headers: new Headers(),
    });
    expect(await codeOf(key.rollout.intentDiff({ orgSlug: t.slug, rolloutId: second }))).toBe(
      "FORBIDDEN",
    );
    expect(await codeOf(key.device.configDiff({ orgSlug: t.slug, deviceId, from: 0, to: 1 }))).toBe(
      "FORBIDDEN",
    );
  });

  it("answers 400 for a revision that is not a whole number", async () => {
    expect(
      await codeOf(
        t.caller.device.configDiff({ orgSlug: t.slug, deviceId, from: -1, to: 1.5 } as never),
      ),
    ).toBe("BAD_REQUEST");
  });
});

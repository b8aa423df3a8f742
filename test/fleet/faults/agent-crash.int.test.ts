// An agent SIGKILLed in the middle of an apply: restarted from the same state directory it
// first restores the last good config (which is intact: the previous revision, never a
// torn file), then applies the newest revision, and its device row ends in sync.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { configHash, ZDesiredState } from "../../../protocol";
import { Cleanups } from "../../../testkit/cleanups";
import { devicesOf } from "../../../testkit/factories/fleet";
import { addRule, type Box, createTenant, enrollBoxes } from "../../../testkit/factories/tenant";
import { ChildAgent } from "../../../testkit/stack/child-agent";
import { useFleetStack } from "../../../testkit/stack/fleet-stack";
import { until } from "../../../testkit/wait";

const cleanups = new Cleanups();
const stack = useFleetStack({ cleanups });

/** last-good.json as the agent would read it at boot: whole, valid, consistent. */
async function lastGood(box: Box) {
  const text = await readFile(join(box.stateDir, "last-good.json"), "utf8");
  const state = ZDesiredState.parse(JSON.parse(text));
  expect(configHash(state.config)).toBe(state.hash);
  expect(state.deviceId).toBe(box.identity.deviceId);
  return state;
}

async function row(box: Box, orgId: string) {
  const r = (await devicesOf(orgId)).find((d) => d.id === box.identity.deviceId);
  if (!r) throw new Error(`no row for ${box.identity.deviceId}`);
  return r;
}

const inSync = async (box: Box, orgId: string, revision: number) => {
  const r = await row(box, orgId);
  return (
    r.desiredRevision === revision &&
    r.reportedRevision === revision &&
    r.reportedHash === r.desiredHash &&
    r.applyStatus === "applied" &&
    r
  );
};

describe("agent killed mid-apply", () => {
  it("restores last-good at boot, then applies the newest revision", async () => {
    const tenant = await createTenant();
    const [box] = await enrollBoxes(stack, tenant, 1, cleanups);
    const slow = ChildAgent.start(box!.stateDir, 1500, cleanups);
    const first = await until("the first revision to be applied", async () => {
      const r = await row(box!, tenant.orgId);
      return r.desiredRevision > 0 && inSync(box!, tenant.orgId, r.desiredRevision);
    });
    const before = await lastGood(box!);
    expect(before.revision).toBe(first.desiredRevision);

    const { revision } = await addRule(tenant, 1);
    await until("the new revision to be desired", async () => {
      const r = await row(box!, tenant.orgId);
      return r.desiredRevision === revision;
    });
    const target = (await row(box!, tenant.orgId)).desiredHash!;
    // The driver is now inside its 1.5 s apply of the new revision.
    await slow.waitLine(
      (l) => l.msg === "apply-start" && l.hash === target,
      "apply of the new revision",
    );
    expect(await slow.kill("SIGKILL")).toMatchObject({ signal: "SIGKILL" });
    expect(slow.lines.some((l) => l.msg === "running" && l.hash === target)).toBe(false);

    // On disk: still the previous revision, whole.
    expect(await lastGood(box!)).toEqual(before);
    const r = await row(box!, tenant.orgId);
    expect(r).toMatchObject({ reportedRevision: first.desiredRevision, desiredRevision: revision });

    const again = ChildAgent.start(box!.stateDir, 100, cleanups);
    const restored = await again.waitLine(
      (l) => l.msg === "restored last good config",
      "restore at boot",
    );
    expect(again.lines[restored]).toMatchObject({ revision: before.revision });
    const applied = await again.waitLine(
      (l) => l.msg === "applied desired state" && l.revision === revision,
      "apply of the newest revision",
    );
    expect(applied).toBeGreaterThan(restored);
    // The data plane ran last-good first, then the newest config, nothing in between.
    expect(again.lines.filter((l) => l.msg === "running").map((l) => l.hash)).toEqual([
      before.hash,
      target,
    ]);
    await until("the device row to be in sync", () => inSync(box!, tenant.orgId, revision));
    expect((await lastGood(box!)).revision).toBe(revision);
  });

  it("never leaves a torn last-good, wherever the kill lands", async () => {
    const tenant = await createTenant();
    const [box] = await enrollBoxes(stack, tenant, 1, cleanups);
    const delay = 100;
    let agent = ChildAgent.start(box!.stateDir, delay, cleanups);
    await until("the first revision to be applied", async () => {
      const r = await row(box!, tenant.orgId);
      return r.desiredRevision > 0 && inSync(box!, tenant.orgId, r.desiredRevision);
    });
    // Kills at staggered moments around the end of the apply, where last-good is written.
    for (const offset of [delay - 10, delay, delay + 2, delay + 5, delay + 10]) {
      const previous = (await lastGood(box!)).revision;
      const from = agent.lines.length;
      const { revision } = await addRule(tenant, offset);
      await until("the new revision to be desired", async () => {
        const r = await row(box!, tenant.orgId);
        return r.desiredRevision === revision && r;
      });
      const target = (await row(box!, tenant.orgId)).desiredHash!;
      await agent.waitLine((l) => l.msg === "apply-start" && l.hash === target, "apply", from);
      await new Promise((r) => setTimeout(r, offset));
      await agent.kill("SIGKILL");
      const lg = await lastGood(box!);
      expect([previous, revision]).toContain(lg.revision);
      agent = ChildAgent.start(box!.stateDir, delay, cleanups);
      await until(`revision ${revision} in sync after the kill`, () =>
        inSync(box!, tenant.orgId, revision),
      );
    }
    // Interrupted writes leave at most stray temp files, which the agent never reads.
    const files = await readdir(box!.stateDir);
    expect(files.filter((f) => f.startsWith("last-good") && !f.endsWith(".tmp"))).toEqual([
      "last-good.json",
    ]);
  });
});

// The feature contract, proved by an area that lives entirely in this folder: its own tables
// (schema.sql), intent section, compiler section and ingest channel (server.ts), and agent
// subsystem (agent.ts). It joins the product the way a new area does, with one line per
// registry: registerFeature here (an area of the product is a line in server/features.ts)
// and `subsystems` of the agent (a line in edge-agent/src/agent/subsystems/index.ts).
import { readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Agent } from "../../edge-agent/src/agent/agent";
import { SimulatedDriver } from "../../edge-agent/src/agent/drivers/simulated";
import { silentLogger } from "../../edge-agent/src/agent/log";
import { FileStore } from "../../edge-agent/src/agent/store";
import { registerFeature } from "../../server/features";
import { getDb } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import { Cleanups } from "../../testkit/cleanups";
import { devicesOf, rolloutsOf } from "../../testkit/factories/fleet";
import { type Box, createTenant, enrollBoxes, type Tenant } from "../../testkit/factories/tenant";
import { type FleetStack, startFleetStack } from "../../testkit/stack/fleet-stack";
import { until } from "../../testkit/wait";
import { SampleSubsystem } from "./agent";
import { addNote, sampleFeature } from "./server";

let stack: FleetStack;
const cleanups = new Cleanups();
const owner = () => new pg.Client({ connectionString: process.env.DATABASE_URL });

beforeAll(async () => {
  const db = owner();
  await db.connect();
  await db.query(await readFile(path.join(import.meta.dirname, "schema.sql"), "utf8"));
  await db.end();
  registerFeature(sampleFeature); // before the ingest and the workers start: they read the registry
  stack = await startFleetStack("mosquitto");
});
afterEach(() => cleanups.run());
afterAll(async () => {
  await stack?.stop();
  const db = owner();
  await db.connect();
  await db.query("DROP SCHEMA IF EXISTS sample_area CASCADE");
  await db.end();
});

async function startBox(box: Box, subsystems: SampleSubsystem[]) {
  const agent = new Agent({
    identity: box.identity,
    credentials: box.credentials,
    driver: new SimulatedDriver(),
    subsystems,
    store: new FileStore(box.stateDir),
    log: silentLogger,
    heartbeatSeconds: 1,
    backoff: { baseMs: 100, capMs: 1000 },
    renewal: false,
  });
  cleanups.add(() => agent.stop());
  await agent.start();
  expect(await agent.whenConnected(15_000)).toBe(true);
  return agent;
}

const note = (t: Tenant, text: string) =>
  withScope(getDb(), { orgId: t.orgId }, (tx) => addNote(tx, t.orgId, t.siteId, text));

const reports = (t: Tenant) =>
  withScope(
    getDb(),
    { orgId: t.orgId },
    (tx) =>
      tx.$queryRaw<{ deviceId: string; applied: number }[]>`
      SELECT "deviceId", applied FROM sample_area.reports WHERE "orgId" = ${t.orgId}`,
  );

describe("an area of its own (the feature contract)", () => {
  it("is compiled, applied, reported and rolled back like the built-in areas", async () => {
    const tenant = await createTenant();
    const [box] = await enrollBoxes(stack, tenant, 1, cleanups);
    const sample = new SampleSubsystem();
    await startBox(box!, [sample]);

    const first = await note(tenant, "first note");
    await until("the box to run the note", async () => {
      const [row] = await devicesOf(tenant.orgId);
      return row?.reportedRevision === first && sample.notes.join() === "first note";
    });
    await until("the box's report of it", async () =>
      (await reports(tenant)).some((r) => r.deviceId === box!.identity.deviceId && r.applied === 1),
    );

    const second = await note(tenant, "second note");
    await until("the second note", () => sample.notes.length === 2);
    const rollout = (await rolloutsOf(tenant.orgId)).find((r) => r.revision === second)!;
    await tenant.caller.rollout.rollback({ orgSlug: tenant.slug, rolloutId: rollout.id });
    await until("the rollback to reach the box", () => sample.notes.join() === "first note");
    const [row] = await devicesOf(tenant.orgId);
    expect(row).toMatchObject({ applyStatus: "applied", missingSections: [] });
  });

  it("is left out for an agent that cannot apply it, and the portal says so", async () => {
    const tenant = await createTenant();
    const [withIt, without] = await enrollBoxes(stack, tenant, 2, cleanups);
    const sample = new SampleSubsystem();
    await startBox(withIt!, [sample]);
    const older = await startBox(without!, []);
    const revision = await note(tenant, "only for who can");
    // The box without the area gets no new config (its config did not change): in sync.
    await until("the box with the area to apply the revision, both in sync", async () => {
      const rows = await devicesOf(tenant.orgId);
      const mine = rows.find((r) => r.id === withIt!.identity.deviceId);
      return (
        mine?.reportedRevision === revision &&
        rows.every((r) => r.reportedHash !== null && r.reportedHash === r.desiredHash)
      );
    });
    expect(sample.notes).toEqual(["only for who can"]);
    const { items: devices } = await tenant.caller.device.list({ orgSlug: tenant.slug });
    const lacking = devices.find((d) => d.id === without!.identity.deviceId)!;
    expect(lacking.missingSections).toEqual(["sample"]);
    expect(devices.find((d) => d.id === withIt!.identity.deviceId)!.missingSections).toEqual([]);
    expect(older.snapshot()).toMatchObject({ status: "applied", error: null });
  });

  it("never shows one tenant's notes or reports to another", async () => {
    const [a, b] = [await createTenant(), await createTenant()];
    const [boxA] = await enrollBoxes(stack, a, 1, cleanups);
    const [boxB] = await enrollBoxes(stack, b, 1, cleanups);
    const [sa, sb] = [new SampleSubsystem(), new SampleSubsystem()];
    await startBox(boxA!, [sa]);
    await startBox(boxB!, [sb]);
    const revision = await note(b, "secret of b");
    await note(a, "a's own");
    await until(
      "each box to run its own note",
      () => sa.notes.length === 1 && sb.notes.length === 1,
    );
    expect(sa.notes).toEqual(["a's own"]);
    await until("b's box to run its revision", async () =>
      (await devicesOf(b.orgId)).every((r) => r.reportedRevision >= revision),
    );
    // Row-level security: in a's scope the area's tables hold a's rows only.
    const seen = await withScope(
      getDb(),
      { orgId: a.orgId },
      (tx) => tx.$queryRaw<{ orgId: string }[]>`SELECT "orgId" FROM sample_area.notes`,
    );
    expect(seen.map((r) => r.orgId)).toEqual([a.orgId]);
    await until(
      "both reports",
      async () => (await reports(a)).length === 1 && (await reports(b)).length === 1,
    );
    expect((await reports(a)).map((r) => r.deviceId)).toEqual([boxA!.identity.deviceId]);
  });
});

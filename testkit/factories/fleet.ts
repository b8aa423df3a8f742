// Sites with real enrolled agents for fleet tests: a site through the API, a token through
// the API, and agents that enroll through the real endpoint with keys made on the spot.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { SimulatedDriverOptions } from "../../edge-agent/src/agent/drivers/simulated";
import { enroll } from "../../edge-agent/src/agent/enroll";
import { loadSimAgents, type SimFleet, startSimFleet } from "../../edge-agent/src/agent/sim-fleet";
import { FileStore } from "../../edge-agent/src/agent/store";
import { getDb } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import { callerFor, type createOrgWithOwner } from "./identity";

export type Org = Awaited<ReturnType<typeof createOrgWithOwner>>;

export { until } from "../wait";

export async function createSiteWithToken(
  org: Org,
  name: string,
  maxUses = 10,
  autoApprove = true,
) {
  const api = callerFor(org.owner);
  const site = await api.site.create({ orgSlug: org.slug, name });
  const token = await api.site.createToken({
    orgSlug: org.slug,
    siteId: site.id,
    maxUses,
    autoApprove,
  });
  return { site, token };
}

export interface EnrolledFleet {
  fleet: SimFleet;
  dirs: string[];
  stop(): Promise<void>;
}

/** Enrolls `count` agents with `token` at `portalUrl`, then runs them (simulated). */
export async function enrollFleet(
  portalUrl: string,
  token: string,
  count: number,
  driver: SimulatedDriverOptions = {},
): Promise<EnrolledFleet> {
  const root = await mkdtemp(path.join(tmpdir(), "patronus-fleet-"));
  const dirs: string[] = [];
  for (let i = 0; i < count; i++) {
    const dir = path.join(root, `agent-${i}`);
    await enroll({ url: portalUrl, token, store: new FileStore(dir), hostname: `edge-${i}` });
    dirs.push(dir);
  }
  const fleet = await startSimFleet({
    agents: await loadSimAgents(dirs),
    driver,
    heartbeatSeconds: 5,
  });
  return {
    fleet,
    dirs,
    async stop() {
      await fleet.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}

export function devicesOf(orgId: string) {
  return withScope(getDb(), { orgId }, (tx) =>
    tx.device.findMany({ where: { orgId }, orderBy: { hostname: "asc" } }),
  );
}

export function rolloutsOf(orgId: string) {
  return withScope(getDb(), { orgId }, (tx) =>
    tx.rollout.findMany({ where: { orgId }, orderBy: { revision: "asc" } }),
  );
}

/** Every active device has applied the org's newest compiled revision. */
export async function converged(orgId: string) {
  const [devices, fr] = await Promise.all([
    devicesOf(orgId),
    withScope(getDb(), { orgId }, (tx) => tx.fleetRevision.findUnique({ where: { orgId } })),
  ]);
  const active = devices.filter((d) => d.status === "active");
  return (
    !!fr &&
    fr.compiled === fr.revision &&
    active.length > 0 &&
    active.every(
      (d) =>
        d.desiredRevision > 0 &&
        d.reportedRevision === d.desiredRevision &&
        d.reportedHash === d.desiredHash,
    )
  );
}

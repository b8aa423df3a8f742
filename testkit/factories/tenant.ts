// An org as an operator makes it (owner, site, enrollment token, all through the tRPC
// routers), and boxes enrolled the way a real box enrolls: the agent's own enroll() makes
// its key in a state directory and posts a CSR to the stack's enrollment endpoint.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { enroll } from "../../edge-agent/src/agent/enroll";
import { type Credentials, type DeviceIdentity, FileStore } from "../../edge-agent/src/agent/store";
import { getDb } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import type { Cleanups } from "../cleanups";
import type { FleetStack } from "../stack/fleet-stack";
import { callerFor, createOrgWithOwner } from "./identity";

export type Caller = ReturnType<typeof callerFor>;

export interface Tenant {
  orgId: string;
  slug: string;
  caller: Caller;
  siteId: string;
}

export async function createTenant(): Promise<Tenant> {
  const { owner, org, slug } = await createOrgWithOwner();
  const caller = callerFor(owner);
  const site = await caller.site.create({
    orgSlug: slug,
    name: "HQ",
    settings: { wanAddress: "203.0.113.10" },
  });
  return { orgId: org.id, slug, caller, siteId: site.id };
}

export interface Box {
  stateDir: string;
  identity: DeviceIdentity;
  credentials: Credentials;
}

/** A temp directory removed at clean-up. */
export async function tempDir(cleanups: Cleanups, prefix = "patronus-faults-") {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  cleanups.add(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Enrolls `count` boxes into the tenant's site with one multi-use token. */
export async function enrollBoxes(
  stack: FleetStack,
  tenant: Tenant,
  count: number,
  cleanups: Cleanups,
): Promise<Box[]> {
  const { token } = await tenant.caller.site.createToken({
    orgSlug: tenant.slug,
    siteId: tenant.siteId,
    maxUses: count,
  });
  const root = await tempDir(cleanups);
  const boxes: Box[] = [];
  for (let i = 0; i < count; i++) {
    const store = new FileStore(join(root, `box-${i}`));
    const r = await enroll({ url: stack.portalUrl, token, store, hostname: `box-${i}` });
    if (r.status !== "active") throw new Error(`box-${i} enrolled as ${r.status}`);
    const credentials = await store.loadCredentials();
    if (!credentials) throw new Error(`box-${i}: no credentials after enrollment`);
    boxes.push({ stateDir: store.dir, identity: r.identity, credentials });
  }
  return boxes;
}

export async function fleetRevision(orgId: string) {
  const fr = await withScope(getDb(), { orgId }, (tx) =>
    tx.fleetRevision.findUnique({ where: { orgId } }),
  );
  return fr?.revision ?? 0;
}

/** A rule change through the policy router: one new revision of the org's intent. */
export function addRule(tenant: Tenant, n: number) {
  return tenant.caller.policy.create({
    orgSlug: tenant.slug,
    siteId: tenant.siteId,
    priority: n,
    action: "deny",
    src: `10.${n % 250}.0.0/16`,
    dst: "192.168.0.0/16",
    proto: "tcp",
    ports: { lo: 1000 + n, hi: 1000 + n },
    description: `fault test rule ${n}`,
  });
}

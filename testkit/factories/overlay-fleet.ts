// Overlay orgs for ingest tests: sites made through the API, one box enrolled per site
// through the real enrollment endpoint, WAN links written in the org's scope with a
// revision bump (as the overlay services do), and raw MQTT clients holding the boxes'
// certificates, so a test publishes exactly the report it means to.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { MqttClient } from "mqtt";
import { enroll } from "../../edge-agent/src/agent/enroll";
import { FileStore } from "../../edge-agent/src/agent/store";
import type { OverlayStatus, PathEvent, PathReport } from "../../protocol";
import { bumpRevision } from "../../server/domains/fleet/intent/revision";
import { getDb } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import type { Cleanups } from "../cleanups";
import type { FleetStack } from "../stack/fleet-stack";
import { connectMqtt } from "../stack/mqtt";
import { until } from "../wait";
import { type Box, createTenant, type Tenant, tempDir } from "./tenant";

export const newKey = () => randomBytes(32).toString("base64");

export interface OverlayFleetOrg extends Tenant {
  /** Site ids, HQ first. */
  sites: string[];
  /** One box per site, in the order of `sites`. */
  boxes: Box[];
}

/**
 * `sites` sites (HQ and branches), one box each (hostname box-<i>); with `links`, a public
 * fiber link each.
 */
export async function overlayFleetOrg(
  stack: FleetStack,
  cleanups: Cleanups,
  { sites = 1, links = false } = {},
): Promise<OverlayFleetOrg> {
  const tenant = await createTenant();
  const ids = [tenant.siteId];
  for (let i = 1; i < sites; i++) {
    const s = await tenant.caller.site.create({ orgSlug: tenant.slug, name: `Branch ${i}` });
    ids.push(s.id);
  }
  const root = await tempDir(cleanups, "patronus-overlay-");
  const boxes: Box[] = [];
  for (const [i, siteId] of ids.entries()) {
    const { token } = await tenant.caller.site.createToken({ orgSlug: tenant.slug, siteId });
    const store = new FileStore(join(root, `box-${i}`));
    const r = await enroll({ url: stack.portalUrl, token, store, hostname: `box-${i}` });
    const credentials = await store.loadCredentials();
    if (r.status !== "active" || !credentials) throw new Error(`box-${i} did not enroll`);
    boxes.push({ stateDir: store.dir, identity: r.identity, credentials });
  }
  if (links) {
    await withScope(getDb(), { orgId: tenant.orgId }, async (tx) => {
      for (const [i, siteId] of ids.entries()) {
        await tx.wanLink.create({
          data: {
            orgId: tenant.orgId,
            siteId,
            name: "fiber",
            kind: "fiber",
            interface: "wan0",
            publicAddress: `198.51.100.${i + 1}`,
          },
        });
        await tx.site.update({
          where: { id: siteId, orgId: tenant.orgId },
          data: { prefixes: [`10.${i + 1}.0.0/16`] },
        });
      }
      await bumpRevision(tx, tenant.orgId, null, "overlay links");
    });
  }
  return { ...tenant, sites: ids, boxes };
}

/**
 * An MQTT connection as the box (its own certificate and client id). A new org's CA reaches
 * the broker's trust shortly after enrollment (a reload): until then it says "unknown ca".
 */
export async function asBox(stack: FleetStack, box: Box, cleanups: Cleanups): Promise<MqttClient> {
  let refusal = "";
  const client = await until(
    "the broker to accept the box",
    () =>
      connectMqtt(stack.broker.url, stack.platform.caPem, box.credentials, {
        clientId: box.identity.identity,
      }).catch((error: Error) => {
        refusal = error.message;
        return undefined;
      }),
    { seen: () => refusal },
  );
  cleanups.add(() => client.endAsync(true));
  return client;
}

export const overlayStatus = (publicKey: string, at = new Date()): OverlayStatus => ({
  v: 1,
  at: at.toISOString(),
  publicKey,
  tunnels: [],
});

export const pathReport = (
  paths: { id: string; state?: "up" | "down"; latencyMs?: number }[],
  selection: PathReport["selection"] = [],
): PathReport => ({
  v: 1,
  at: new Date().toISOString(),
  paths: paths.map((p) => ({
    id: p.id,
    state: p.state ?? "up",
    latencyMs: p.latencyMs ?? 12.5,
    jitterMs: 1.5,
    lossPct: 0,
    mos: 4.3,
    probesSent: 30,
    probesLost: 0,
  })),
  selection,
});

export const pathEvent = (id: string, over: Partial<PathEvent> = {}): PathEvent => ({
  id,
  at: new Date().toISOString(),
  kind: "failover",
  unit: "class:2",
  unitName: "Voice",
  remoteSiteId: null,
  fromPath: "l1~l2",
  toPath: "l3~l2",
  reason: "latency 212 ms > 150 ms",
  metrics: { latencyMs: 212, jitterMs: 3, lossPct: 0 },
  ...over,
});

/** Everything the org's scope shows of the overlay reports and device overlay columns. */
export async function overlayRows(orgId: string) {
  return withScope(getDb(), { orgId }, async (tx) => ({
    samples: await tx.pathSample.findMany({ where: { orgId }, orderBy: { id: "asc" } }),
    events: await tx.pathEvent.findMany({ where: { orgId }, orderBy: { eventId: "asc" } }),
    devices: await tx.device.findMany({
      where: { orgId },
      select: {
        id: true,
        siteId: true,
        overlayPublicKey: true,
        overlayStatus: true,
        overlayStatusAt: true,
      },
      orderBy: { id: "asc" },
    }),
    snapshots: await tx.intentSnapshot.findMany({
      where: { orgId },
      select: { revision: true, reason: true },
      orderBy: { revision: "asc" },
    }),
  }));
}

// Port forwards and load-balanced services of a site: intent, like rules.

import type { Actor } from "../../../platform/audit/write-audit";
import type { LbService, PortForward, Prisma, Tx } from "../../../platform/db/client";
import { AppError } from "../../../platform/errors";
import { intentRows } from "../../../platform/features/intent-rows";
import { nameContains } from "../../../platform/list-filters";
import { keysetArgs, type PageQuery, pageOf } from "../../../platform/pagination";
import type { TenantContext } from "../../../platform/tenancy/resolve-membership";
import { READ_ONLY_OK } from "../../fleet";
import { requireSite } from "./sites";

const forwards = intentRows({
  model: (tx) => tx.portForward,
  noun: "a port forward",
  audit: "port_forward",
  targetType: "port_forward",
});

const services = intentRows({
  model: (tx) => tx.lbService,
  noun: "a service",
  audit: "lb_service",
  targetType: "lb_service",
});

type Forward = {
  siteId: string;
  proto: "tcp" | "udp";
  port: number;
  toAddr: string;
  toPort: number;
  description: string;
};
type Service = {
  siteId: string;
  name: string;
  vip: string;
  port: number;
  proto: "tcp" | "udp";
  backends: { addr: string; port: number }[];
};

const forwardView = (f: PortForward) => ({
  id: f.id,
  proto: f.proto,
  port: f.port,
  toAddr: f.toAddr,
  toPort: f.toPort,
  description: f.description,
});

/** One page of a site's port forwards. */
export async function listPortForwards(tx: Tx, orgId: string, siteId: string, query: PageQuery) {
  await requireSite(tx, orgId, siteId);
  const { where: past, ...args } = keysetArgs(query);
  const rows = await tx.portForward.findMany({ where: { orgId, siteId, ...past }, ...args });
  return pageOf(rows, query, forwardView);
}

export const getPortForward = async (tx: Tx, orgId: string, portForwardId: string) =>
  forwardView(await forwards.find(tx, orgId, portForwardId));

export async function createPortForward(tx: Tx, actor: Actor, tenant: TenantContext, f: Forward) {
  const site = await requireSite(tx, tenant.orgId, f.siteId);
  if (!site.settings.wanAddress)
    throw new AppError("BAD_REQUEST", "Set the site's WAN address before adding port forwards", {
      siteId: "the site has no WAN address",
    });
  const taken = await tx.portForward.findFirst({
    where: { orgId: tenant.orgId, siteId: f.siteId, proto: f.proto, port: f.port },
  });
  if (taken)
    throw new AppError("CONFLICT", `${f.proto}/${f.port} is already forwarded at this site`, {
      port: "already forwarded",
    });
  const row = await tx.portForward.create({ data: { orgId: tenant.orgId, ...f } });
  const revision = await forwards.record(tx, actor, tenant.orgId, "create", {
    id: row.id,
    after: f,
    reason: "port forward added",
  });
  return { id: row.id, revision };
}

export async function deletePortForward(tx: Tx, actor: Actor, tenant: TenantContext, id: string) {
  const row = await forwards.find(tx, tenant.orgId, id);
  await tx.portForward.delete({ where: { id, orgId: tenant.orgId } });
  const before = { proto: row.proto, port: row.port, toAddr: row.toAddr, toPort: row.toPort };
  const revision = await forwards.record(
    tx,
    actor,
    tenant.orgId,
    "delete",
    { id, before, reason: "port forward removed" },
    READ_ONLY_OK,
  );
  return { revision };
}

const serviceView = (s: LbService) => ({
  id: s.id,
  name: s.name,
  vip: s.vip,
  port: s.port,
  proto: s.proto as "tcp" | "udp",
  backends: s.backends as { addr: string; port: number }[],
});

/** One page of a site's services; `q`: names that contain it (any case). */
export async function listServices(
  tx: Tx,
  orgId: string,
  siteId: string,
  query: PageQuery & { q?: string },
) {
  await requireSite(tx, orgId, siteId);
  const { where: past, ...args } = keysetArgs(query);
  const rows = await tx.lbService.findMany({
    where: { orgId, siteId, ...nameContains(query.q), ...past },
    ...args,
  });
  return pageOf(rows, query, serviceView);
}

export const getService = async (tx: Tx, orgId: string, serviceId: string) =>
  serviceView(await services.find(tx, orgId, serviceId));

export async function createService(tx: Tx, actor: Actor, tenant: TenantContext, s: Service) {
  await requireSite(tx, tenant.orgId, s.siteId);
  const count = await tx.lbService.count({ where: { orgId: tenant.orgId, siteId: s.siteId } });
  if (count >= 64) throw new AppError("BAD_REQUEST", "A site can hold at most 64 services");
  const row = await tx.lbService.create({
    data: { orgId: tenant.orgId, ...s, backends: s.backends as Prisma.InputJsonValue },
  });
  const revision = await services.record(tx, actor, tenant.orgId, "create", {
    id: row.id,
    after: s as unknown as Prisma.InputJsonValue,
    reason: `service ${s.name} added`,
  });
  return { id: row.id, revision };
}

export async function updateServiceBackends(
  tx: Tx,
  actor: Actor,
  tenant: TenantContext,
  id: string,
  backends: { addr: string; port: number }[],
) {
  const row = await services.find(tx, tenant.orgId, id);
  await tx.lbService.update({
    where: { id, orgId: tenant.orgId },
    data: { backends: backends as Prisma.InputJsonValue },
  });
  const revision = await services.record(tx, actor, tenant.orgId, "update", {
    id,
    before: { backends: row.backends as Prisma.InputJsonValue },
    after: { backends: backends as Prisma.InputJsonValue },
    reason: `service ${row.name} changed`,
  });
  return { revision };
}

export async function deleteService(tx: Tx, actor: Actor, tenant: TenantContext, id: string) {
  const row = await services.find(tx, tenant.orgId, id);
  await tx.lbService.delete({ where: { id, orgId: tenant.orgId } });
  const revision = await services.record(
    tx,
    actor,
    tenant.orgId,
    "delete",
    {
      id,
      before: { name: row.name, vip: row.vip, port: row.port },
      reason: `service ${row.name} removed`,
    },
    READ_ONLY_OK,
  );
  return { revision };
}

import type { AppRouter } from "../../../server/api/root";
import { uid } from "../../../testkit/factories/identity";

/**
 * One entry per tRPC procedure: a sample input for a call made in org `orgSlug`.
 * The matrix test fails when a procedure has no entry here (or an entry has no procedure),
 * so a new procedure cannot ship without being checked for isolation and permissions.
 * Inputs may point at objects that do not exist: the check is about who gets past the
 * ladder, so NOT_FOUND/BAD_REQUEST after authorization still counts as "allowed".
 */
type Paths<R> = {
  [K in keyof R & string]: R[K] extends { _def: { procedures: unknown } }
    ? never
    : R[K] extends { _def: { type: unknown } }
      ? K
      : R[K] extends object
        ? `${K}.${Paths<R[K]>}`
        : never;
}[keyof R & string];

type ProcedurePath = Paths<AppRouter["_def"]["record"]>;

/**
 * Org procedures only a person may call (they bill, invite or mint credentials in a
 * person's name): an API key with the permission is still FORBIDDEN.
 */
export const PERSON_ONLY = new Set<ProcedurePath>([
  "invitation.create",
  "org.createCustomer",
  "billing.checkout",
  "apiKey.create",
]);

export const MATRIX: Record<ProcedurePath, (orgSlug: string) => unknown> = {
  "me.get": () => undefined,
  "org.list": () => undefined,
  "org.create": () => ({ name: "Matrix Org", slug: `mx-${uid()}` }),
  "org.get": (orgSlug) => ({ orgSlug }),
  "org.update": (orgSlug) => ({ orgSlug, name: "Renamed by matrix" }),
  "org.customers": (orgSlug) => ({ orgSlug }),
  "org.createCustomer": (orgSlug) => ({ orgSlug, name: "Matrix Customer", slug: `mxc-${uid()}` }),
  "member.list": (orgSlug) => ({ orgSlug }),
  "member.changeRole": (orgSlug) => ({ orgSlug, membershipId: "missing", role: "viewer" }),
  "member.remove": (orgSlug) => ({ orgSlug, membershipId: "missing" }),
  "apiAccess.get": (orgSlug) => ({ orgSlug }),
  "apiAccess.update": (orgSlug) => ({ orgSlug, corsOrigins: ["https://app.example.test"] }),
  "invitation.list": (orgSlug) => ({ orgSlug }),
  "invitation.create": (orgSlug) => ({
    orgSlug,
    email: `mx-${uid()}@example.test`,
    role: "viewer",
  }),
  "invitation.revoke": (orgSlug) => ({ orgSlug, invitationId: "missing" }),
  "invitation.byToken": () => ({ token: "x".repeat(43) }),
  "invitation.accept": () => ({ token: "x".repeat(43) }),
  "audit.list": (orgSlug) => ({ orgSlug }),
  "apiKey.list": (orgSlug) => ({ orgSlug }),
  "apiKey.scopes": (orgSlug) => ({ orgSlug }),
  "apiKey.create": (orgSlug) => ({ orgSlug, name: `mx-${uid()}`, scopes: ["apikey.read"] }),
  "apiKey.revoke": (orgSlug) => ({ orgSlug, apiKeyId: "missing" }),
  "site.list": (orgSlug) => ({ orgSlug }),
  "site.get": (orgSlug) => ({ orgSlug, siteId: "missing" }),
  "site.create": (orgSlug) => ({ orgSlug, name: `Matrix site ${uid()}` }),
  "site.update": (orgSlug) => ({ orgSlug, siteId: "missing", name: "Renamed" }),
  "site.delete": (orgSlug) => ({ orgSlug, siteId: "missing" }),
  "site.tokens": (orgSlug) => ({ orgSlug, siteId: "missing" }),
  "site.createToken": (orgSlug) => ({ orgSlug, siteId: "missing" }),
  "site.revokeToken": (orgSlug) => ({ orgSlug, tokenId: "missing" }),
  "site.portForwards": (orgSlug) => ({ orgSlug, siteId: "missing" }),
  "site.createPortForward": (orgSlug) => ({
    orgSlug,
    siteId: "missing",
    proto: "tcp",
    port: 8080,
    toAddr: "10.0.0.5",
    toPort: 80,
  }),
  "site.getPortForward": (orgSlug) => ({ orgSlug, portForwardId: "missing" }),
  "site.deletePortForward": (orgSlug) => ({ orgSlug, portForwardId: "missing" }),
  "site.services": (orgSlug) => ({ orgSlug, siteId: "missing" }),
  "site.getService": (orgSlug) => ({ orgSlug, serviceId: "missing" }),
  "site.createService": (orgSlug) => ({
    orgSlug,
    siteId: "missing",
    name: "web",
    vip: "10.0.0.100",
    port: 80,
    proto: "tcp",
    backends: [{ addr: "10.0.0.5", port: 80 }],
  }),
  "site.updateServiceBackends": (orgSlug) => ({
    orgSlug,
    serviceId: "missing",
    backends: [{ addr: "10.0.0.6", port: 80 }],
  }),
  "site.deleteService": (orgSlug) => ({ orgSlug, serviceId: "missing" }),
  "device.list": (orgSlug) => ({ orgSlug }),
  "device.get": (orgSlug) => ({ orgSlug, deviceId: "missing" }),
  "device.quarantine": (orgSlug) => ({ orgSlug, deviceId: "missing" }),
  "device.configDiff": (orgSlug) => ({ orgSlug, deviceId: "missing", from: 0, to: 1 }),
  "device.dismissAlert": (orgSlug) => ({ orgSlug, deviceId: "missing", kind: "cloned_identity" }),
  "device.approve": (orgSlug) => ({ orgSlug, deviceId: "missing" }),
  "device.reject": (orgSlug) => ({ orgSlug, deviceId: "missing" }),
  "device.revoke": (orgSlug) => ({ orgSlug, deviceId: "missing" }),
  "policy.list": (orgSlug) => ({ orgSlug }),
  "policy.get": (orgSlug) => ({ orgSlug, ruleId: "missing" }),
  "policy.create": (orgSlug) => ({
    orgSlug,
    priority: 10,
    action: "deny",
    src: "10.1.0.0/16",
    dst: "10.2.0.0/16",
  }),
  "policy.update": (orgSlug) => ({
    orgSlug,
    ruleId: "missing",
    priority: 10,
    action: "allow",
    src: "10.1.0.0/16",
    dst: "10.2.0.0/16",
  }),
  "policy.delete": (orgSlug) => ({ orgSlug, ruleId: "missing" }),
  "rollout.status": (orgSlug) => ({ orgSlug }),
  "rollout.list": (orgSlug) => ({ orgSlug }),
  "rollout.get": (orgSlug) => ({ orgSlug, rolloutId: "missing" }),
  "rollout.intentDiff": (orgSlug) => ({ orgSlug, rolloutId: "missing" }),
  "rollout.deviceDiff": (orgSlug) => ({ orgSlug, rolloutId: "missing", deviceId: "missing" }),
  "rollout.promote": (orgSlug) => ({ orgSlug, rolloutId: "missing" }),
  "rollout.rollback": (orgSlug) => ({ orgSlug, rolloutId: "missing" }),
  "rollout.updateSettings": (orgSlug) => ({ orgSlug, canaryPercent: 20, failureThreshold: 2 }),
  "overlay.settings.get": (orgSlug) => ({ orgSlug }),
  "overlay.settings.update": (orgSlug) => ({ orgSlug, topology: "full_mesh" }),
  "overlay.site.update": (orgSlug) => ({
    orgSlug,
    siteId: "missing",
    role: "hub",
    prefixes: ["10.9.0.0/24"],
  }),
  "overlay.links.list": (orgSlug) => ({ orgSlug, siteId: "missing" }),
  "overlay.links.get": (orgSlug) => ({ orgSlug, linkId: "missing" }),
  "overlay.links.create": (orgSlug) => ({
    orgSlug,
    siteId: "missing",
    name: "fiber",
    kind: "fiber",
    interface: "eth0",
  }),
  "overlay.links.update": (orgSlug) => ({
    orgSlug,
    linkId: "missing",
    siteId: "missing",
    name: "fiber",
    kind: "fiber",
    interface: "eth0",
  }),
  "overlay.links.delete": (orgSlug) => ({ orgSlug, linkId: "missing" }),
  "overlay.sla.list": (orgSlug) => ({ orgSlug }),
  "overlay.sla.get": (orgSlug) => ({ orgSlug, slaClassId: "missing" }),
  "overlay.sla.create": (orgSlug) => ({
    orgSlug,
    name: `sla-${uid()}`,
    maxLatencyMs: 150,
    maxJitterMs: 30,
    maxLossPct: 1,
  }),
  "overlay.sla.update": (orgSlug) => ({
    orgSlug,
    slaClassId: "missing",
    name: "voice",
    maxLatencyMs: 150,
    maxJitterMs: 30,
    maxLossPct: 1,
  }),
  "overlay.sla.delete": (orgSlug) => ({ orgSlug, slaClassId: "missing" }),
  "overlay.apps.list": (orgSlug) => ({ orgSlug }),
  "overlay.apps.get": (orgSlug) => ({ orgSlug, appClassId: "missing" }),
  "overlay.apps.create": (orgSlug) => ({
    orgSlug,
    name: `app-${uid()}`,
    kind: "custom",
    match: [{ proto: "tcp", lo: 22, hi: 22 }],
  }),
  "overlay.apps.update": (orgSlug) => ({
    orgSlug,
    appClassId: "missing",
    name: "ssh",
    kind: "interactive",
  }),
  "overlay.apps.delete": (orgSlug) => ({ orgSlug, appClassId: "missing" }),
  "overlay.groups.list": (orgSlug) => ({ orgSlug }),
  "overlay.groups.get": (orgSlug) => ({ orgSlug, userGroupId: "missing" }),
  "overlay.groups.create": (orgSlug) => ({
    orgSlug,
    name: `group-${uid()}`,
    prefixes: ["10.1.0.0/24"],
  }),
  "overlay.groups.update": (orgSlug) => ({
    orgSlug,
    userGroupId: "missing",
    name: "execs",
    prefixes: ["10.1.0.0/24"],
  }),
  "overlay.groups.delete": (orgSlug) => ({ orgSlug, userGroupId: "missing" }),
  "overlay.policies.list": (orgSlug) => ({ orgSlug }),
  "overlay.policies.get": (orgSlug) => ({ orgSlug, steeringPolicyId: "missing" }),
  "overlay.policies.create": (orgSlug) => ({
    orgSlug,
    name: `policy-${uid()}`,
    priority: 10,
    srcPrefixes: ["10.1.0.0/24"],
  }),
  "overlay.policies.update": (orgSlug) => ({
    orgSlug,
    steeringPolicyId: "missing",
    name: "p",
    priority: 10,
    srcPrefixes: ["10.1.0.0/24"],
  }),
  "overlay.policies.delete": (orgSlug) => ({ orgSlug, steeringPolicyId: "missing" }),
  "overlay.segments.list": (orgSlug) => ({ orgSlug }),
  "overlay.segments.get": (orgSlug) => ({ orgSlug, segmentId: "missing" }),
  "overlay.segments.create": (orgSlug) => ({
    orgSlug,
    name: `seg-${uid()}`,
    vni: 100,
    members: [{ siteId: "missing", interface: "l2" }],
  }),
  "overlay.segments.update": (orgSlug) => ({
    orgSlug,
    segmentId: "missing",
    name: "office",
    vni: 100,
    members: [{ siteId: "missing", interface: "l2" }],
  }),
  "overlay.segments.delete": (orgSlug) => ({ orgSlug, segmentId: "missing" }),
  "overlay.topology": (orgSlug) => ({ orgSlug }),
  "overlay.sitePaths": (orgSlug) => ({ orgSlug, siteId: "missing" }),
  "overlay.pathSeries": (orgSlug) => ({ orgSlug, siteId: "missing", pathId: "a~b" }),
  "overlay.incidents": (orgSlug) => ({ orgSlug }),
  "billing.status": (orgSlug) => ({ orgSlug }),
  "billing.summary": (orgSlug) => ({ orgSlug }),
  "billing.usage": (orgSlug) => ({ orgSlug, days: 30 }),
  "billing.invoices": (orgSlug) => ({ orgSlug }),
  "billing.customers": (orgSlug) => ({ orgSlug }),
  "billing.checkout": (orgSlug) => ({ orgSlug, plan: "standard" }),
  "billing.portal": (orgSlug) => ({ orgSlug }),
  "billing.refresh": (orgSlug) => ({ orgSlug }),
  "billing.setMode": (orgSlug) => ({ orgSlug, customerOrgId: "missing", mode: "consolidated" }),
  "webhook.catalog": (orgSlug) => ({ orgSlug }),
  "overview.get": (orgSlug) => ({ orgSlug, window: "24h" }),
  "customers.overview": (orgSlug) => ({ orgSlug, sort: "health", order: "desc" }),
  "alerts.ruleKinds": (orgSlug) => ({ orgSlug }),
  "alerts.rules": (orgSlug) => ({ orgSlug }),
  "alerts.createRule": (orgSlug) => ({
    orgSlug,
    kind: "path_down",
    name: `Matrix rule ${uid()}`,
    severity: "critical",
    forSeconds: 0,
  }),
  "alerts.updateRule": (orgSlug) => ({ orgSlug, ruleId: "missing", enabled: false }),
  "alerts.deleteRule": (orgSlug) => ({ orgSlug, ruleId: "missing" }),
  "alerts.channels": (orgSlug) => ({ orgSlug }),
  "alerts.createChannel": (orgSlug) => ({
    orgSlug,
    name: `Matrix channel ${uid()}`,
    kind: "email",
    recipients: ["noc@example.com"],
  }),
  "alerts.updateChannel": (orgSlug) => ({ orgSlug, channelId: "missing", enabled: false }),
  "alerts.deleteChannel": (orgSlug) => ({ orgSlug, channelId: "missing" }),
  "alerts.testChannel": (orgSlug) => ({ orgSlug, channelId: "missing" }),
  "alerts.notifications": (orgSlug) => ({ orgSlug }),
  "alerts.windows": (orgSlug) => ({ orgSlug }),
  "alerts.createWindow": (orgSlug) => ({
    orgSlug,
    name: "Matrix window",
    startsAt: new Date().toISOString(),
    endsAt: new Date(Date.now() + 3_600_000).toISOString(),
  }),
  "alerts.deleteWindow": (orgSlug) => ({ orgSlug, windowId: "missing" }),
  "incidents.list": (orgSlug) => ({ orgSlug, status: "active" }),
  "incidents.get": (orgSlug) => ({ orgSlug, incidentId: "missing" }),
  "incidents.acknowledge": (orgSlug) => ({ orgSlug, incidentId: "missing" }),
  "incidents.mute": (orgSlug) => ({ orgSlug, incidentId: "missing", minutes: 60 }),
  "webhook.list": (orgSlug) => ({ orgSlug }),
  "webhook.create": (orgSlug) => ({
    orgSlug,
    url: "https://hooks.example.com/patronus",
    events: ["device.online"],
  }),
  "webhook.update": (orgSlug) => ({ orgSlug, endpointId: "missing", enabled: false }),
  "webhook.delete": (orgSlug) => ({ orgSlug, endpointId: "missing" }),
  "webhook.rotateSecret": (orgSlug) => ({ orgSlug, endpointId: "missing" }),
  "webhook.deliveries": (orgSlug) => ({ orgSlug, endpointId: "missing" }),
  "webhook.replay": (orgSlug) => ({ orgSlug, deliveryId: "missing" }),
  "webhook.replayDead": (orgSlug) => ({ orgSlug, endpointId: "missing" }),
  "webhook.sendTest": (orgSlug) => ({ orgSlug, endpointId: "missing" }),
  "brand.get": (orgSlug) => ({ orgSlug }),
  "brand.update": (orgSlug) => ({ orgSlug, productName: "Matrix Brand" }),
  "brand.uploadImage": (orgSlug) => ({ orgSlug, slot: "favicon", dataBase64: "bm90IGEgcG5n" }),
  "brand.removeImage": (orgSlug) => ({ orgSlug, slot: "favicon" }),
  "brand.templates.list": (orgSlug) => ({ orgSlug }),
  "brand.templates.update": (orgSlug) => ({
    orgSlug,
    kind: "invitation",
    subject: "Join {{orgName}}",
    body: "Open {{url}}",
  }),
  "brand.templates.reset": (orgSlug) => ({ orgSlug, kind: "invitation" }),
  "brand.previewTemplate": (orgSlug) => ({
    orgSlug,
    kind: "alert",
    subject: "{{alertTitle}}",
    body: "{{alertText}} {{url}}",
  }),
  "domain.list": (orgSlug) => ({ orgSlug }),
  "domain.add": (orgSlug) => ({ orgSlug, hostname: `mx-${uid()}.example.test` }),
  "domain.verify": (orgSlug) => ({ orgSlug, domainId: "missing" }),
  "domain.remove": (orgSlug) => ({ orgSlug, domainId: "missing" }),
  "embed.settings": (orgSlug) => ({ orgSlug }),
  "embed.setOrigins": (orgSlug) => ({ orgSlug, origins: ["https://www.example.test"] }),
  "embed.createToken": (orgSlug) => ({ orgSlug, expiresInMinutes: 60 }),
  "embed.rotateKey": (orgSlug) => ({ orgSlug }),
  "series.query": (orgSlug) => ({
    orgSlug,
    kind: "device",
    id: "missing",
    metric: "rx_bits_per_second",
    from: new Date(Date.now() - 3_600_000),
  }),
  "series.top": (orgSlug) => ({
    orgSlug,
    by: "site",
    from: new Date(Date.now() - 3_600_000),
  }),
  "series.exposition": (orgSlug) => ({ orgSlug }),
  "report.sla": (orgSlug) => ({ orgSlug, month: "2021-03" }),
  "report.document": (orgSlug) => ({ orgSlug, month: "2021-03" }),
  "report.schedule": (orgSlug) => ({ orgSlug }),
  "report.setSchedule": (orgSlug) => ({ orgSlug, enabled: false, recipients: [] }),
};

/**
 * What the matrix reads off a procedure: its meta, and the parser `.output()` set (tRPC 11
 * keeps it on `_def.output`; no `.output()`, no key).
 */
export type ProcedureDefs = Record<string, { _def: { meta?: unknown; output?: unknown } }>;

export interface DeclarationProblems {
  /** Procedures whose meta states no access level, or one that is neither public, protected nor a permission. */
  noAccess: string[];
  /** Procedures with no output schema: whatever the service returns would go to the client. */
  noOutput: string[];
}

/**
 * The declarations every procedure must make, checked without calling it. Pure, so the test
 * can show it reports a procedure that makes none (a check that cannot fail checks nothing).
 */
export function declarationProblems(
  procedures: ProcedureDefs,
  permissions: readonly string[],
): DeclarationProblems {
  const levels = new Set(["public", "protected", ...permissions]);
  const paths = Object.keys(procedures).sort();
  return {
    noAccess: paths.filter((path) => {
      const access = (procedures[path]!._def.meta as { access?: unknown } | undefined)?.access;
      return typeof access !== "string" || !levels.has(access);
    }),
    noOutput: paths.filter((path) => procedures[path]!._def.output === undefined),
  };
}

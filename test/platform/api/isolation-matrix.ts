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
  "site.deletePortForward": (orgSlug) => ({ orgSlug, portForwardId: "missing" }),
  "site.services": (orgSlug) => ({ orgSlug, siteId: "missing" }),
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
  "device.dismissAlert": (orgSlug) => ({ orgSlug, deviceId: "missing", kind: "cloned_identity" }),
  "device.approve": (orgSlug) => ({ orgSlug, deviceId: "missing" }),
  "device.reject": (orgSlug) => ({ orgSlug, deviceId: "missing" }),
  "device.revoke": (orgSlug) => ({ orgSlug, deviceId: "missing" }),
  "policy.list": (orgSlug) => ({ orgSlug }),
  "policy.create": (orgSlug) => ({
    orgSlug,
    rule: { priority: 10, action: "deny", src: "10.1.0.0/16", dst: "10.2.0.0/16" },
  }),
  "policy.update": (orgSlug) => ({
    orgSlug,
    ruleId: "missing",
    rule: { priority: 10, action: "allow", src: "10.1.0.0/16", dst: "10.2.0.0/16" },
  }),
  "policy.delete": (orgSlug) => ({ orgSlug, ruleId: "missing" }),
  "rollout.status": (orgSlug) => ({ orgSlug }),
  "rollout.list": (orgSlug) => ({ orgSlug }),
  "rollout.get": (orgSlug) => ({ orgSlug, rolloutId: "missing" }),
  "rollout.rollback": (orgSlug) => ({ orgSlug, rolloutId: "missing" }),
  "rollout.updateSettings": (orgSlug) => ({ orgSlug, canaryPercent: 20, failureThreshold: 2 }),
  "overlay.settings.get": (orgSlug) => ({ orgSlug }),
  "overlay.settings.update": (orgSlug) => ({ orgSlug, settings: { topology: "full_mesh" } }),
  "overlay.site.update": (orgSlug) => ({
    orgSlug,
    site: { siteId: "missing", role: "hub", prefixes: ["10.9.0.0/24"] },
  }),
  "overlay.links.list": (orgSlug) => ({ orgSlug, siteId: "missing" }),
  "overlay.links.create": (orgSlug) => ({
    orgSlug,
    link: { siteId: "missing", name: "fiber", kind: "fiber", interface: "eth0" },
  }),
  "overlay.links.update": (orgSlug) => ({
    orgSlug,
    linkId: "missing",
    link: { siteId: "missing", name: "fiber", kind: "fiber", interface: "eth0" },
  }),
  "overlay.links.delete": (orgSlug) => ({ orgSlug, linkId: "missing" }),
  "overlay.sla.list": (orgSlug) => ({ orgSlug }),
  "overlay.sla.create": (orgSlug) => ({
    orgSlug,
    sla: { name: `sla-${uid()}`, maxLatencyMs: 150, maxJitterMs: 30, maxLossPct: 1 },
  }),
  "overlay.sla.update": (orgSlug) => ({
    orgSlug,
    slaId: "missing",
    sla: { name: "voice", maxLatencyMs: 150, maxJitterMs: 30, maxLossPct: 1 },
  }),
  "overlay.sla.delete": (orgSlug) => ({ orgSlug, slaId: "missing" }),
  "overlay.apps.list": (orgSlug) => ({ orgSlug }),
  "overlay.apps.create": (orgSlug) => ({
    orgSlug,
    app: { name: `app-${uid()}`, kind: "custom", match: [{ proto: "tcp", lo: 22, hi: 22 }] },
  }),
  "overlay.apps.update": (orgSlug) => ({
    orgSlug,
    appId: "missing",
    app: { name: "ssh", kind: "interactive" },
  }),
  "overlay.apps.delete": (orgSlug) => ({ orgSlug, appId: "missing" }),
  "overlay.groups.list": (orgSlug) => ({ orgSlug }),
  "overlay.groups.create": (orgSlug) => ({
    orgSlug,
    group: { name: `group-${uid()}`, prefixes: ["10.1.0.0/24"] },
  }),
  "overlay.groups.update": (orgSlug) => ({
    orgSlug,
    groupId: "missing",
    group: { name: "execs", prefixes: ["10.1.0.0/24"] },
  }),
  "overlay.groups.delete": (orgSlug) => ({ orgSlug, groupId: "missing" }),
  "overlay.policies.list": (orgSlug) => ({ orgSlug }),
  "overlay.policies.create": (orgSlug) => ({
    orgSlug,
    policy: { name: `policy-${uid()}`, priority: 10, srcPrefixes: ["10.1.0.0/24"] },
  }),
  "overlay.policies.update": (orgSlug) => ({
    orgSlug,
    policyId: "missing",
    policy: { name: "p", priority: 10, srcPrefixes: ["10.1.0.0/24"] },
  }),
  "overlay.policies.delete": (orgSlug) => ({ orgSlug, policyId: "missing" }),
  "overlay.segments.list": (orgSlug) => ({ orgSlug }),
  "overlay.segments.create": (orgSlug) => ({
    orgSlug,
    segment: { name: `seg-${uid()}`, vni: 100, members: [{ siteId: "missing", interface: "l2" }] },
  }),
  "overlay.segments.update": (orgSlug) => ({
    orgSlug,
    segmentId: "missing",
    segment: { name: "office", vni: 100, members: [{ siteId: "missing", interface: "l2" }] },
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

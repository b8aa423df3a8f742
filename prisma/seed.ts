// Demo data for `npm start`: an MSP with one customer org and a user per role that matters.
// Idempotent: run it as often as you like. Writes .data/demo-logins.json for the banner.
import { randomUUID } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { hashPassword } from "better-auth/crypto";
import { setPlanOverride } from "../server/domains/billing/services/subscription/set-plan-override";
import type { AppClassInput } from "../server/domains/overlay/schemas";
import { createAppClass } from "../server/domains/overlay/services/apps";
import { createUserGroup } from "../server/domains/overlay/services/groups";
import { createLink } from "../server/domains/overlay/services/links";
import { createPolicy } from "../server/domains/overlay/services/policies";
import { updateOverlaySettings } from "../server/domains/overlay/services/settings";
import { updateSiteOverlay } from "../server/domains/overlay/services/sites";
import { createSlaClass } from "../server/domains/overlay/services/sla";
import { createRule } from "../server/domains/policy/services/policy-rules";
import { createSite } from "../server/domains/sites/services/sites";
import { createDb, type Role, type Tx } from "../server/platform/db/client";
import { type DbScope, setTxOrg, withScope } from "../server/platform/db/with-tenant";
import { env } from "../server/platform/env";
import { closeQueues } from "../server/platform/jobs/queues";
import { closeRedis } from "../server/platform/redis";
import { userPrincipal } from "../server/platform/tenancy/principal";

/**
 * The seed's transactions: a script, not a request, so it may wait out a busy machine (the
 * journeys seed while other work runs) instead of failing at Prisma's 5 s default.
 */
const SEED_TX = { timeoutMs: 120_000, maxWaitMs: 60_000 };
const inScope = <T>(scope: DbScope, fn: (tx: Tx) => Promise<T>) =>
  withScope(db, scope, fn, SEED_TX);

const PASSWORD = "patronus-demo";
const db = createDb(env.DATABASE_URL);

const ORGS = [
  { slug: "demo-msp", name: "Demo MSP", kind: "msp" as const, parent: null },
  { slug: "acme", name: "Acme Corp", kind: "standard" as const, parent: "demo-msp" },
];
const USERS: { email: string; name: string; org: string; role: Role }[] = [
  {
    email: "msp-admin@demo.patronus.dev",
    name: "Morgan (MSP admin)",
    org: "demo-msp",
    role: "owner",
  },
  { email: "it@acme.demo.patronus.dev", name: "Ada (Acme IT)", org: "acme", role: "owner" },
  {
    email: "viewer@acme.demo.patronus.dev",
    name: "Vic (Acme viewer)",
    org: "acme",
    role: "viewer",
  },
];

async function ensureUser(email: string, name: string) {
  const existing = await db.user.findUnique({ where: { email } });
  if (existing) return userPrincipal(existing);
  const id = randomUUID();
  const user = await db.user.create({ data: { id, email, name, emailVerified: true } });
  await db.account.create({
    data: {
      id: randomUUID(),
      accountId: id,
      providerId: "credential",
      userId: id,
      password: await hashPassword(PASSWORD),
    },
  });
  return userPrincipal(user);
}

async function ensureOrg(o: (typeof ORGS)[number]) {
  const parent = o.parent ? await db.organization.findUnique({ where: { slug: o.parent } }) : null;
  return db.organization.upsert({
    where: { slug: o.slug },
    update: {},
    create: { slug: o.slug, name: o.name, kind: o.kind, parentId: parent?.id ?? null },
  });
}

for (const o of ORGS) await ensureOrg(o);
for (const u of USERS) {
  const user = await ensureUser(u.email, u.name);
  const org = await db.organization.findUniqueOrThrow({ where: { slug: u.org } });
  await inScope({ userId: user.id }, async (tx) => {
    await setTxOrg(tx, org.id);
    const found = await tx.membership.findFirst({ where: { orgId: org.id, userId: user.id } });
    if (!found)
      await tx.membership.create({ data: { orgId: org.id, userId: user.id, role: u.role } });
  });
}

// Billing (docs/billing.md): the MSP has an operator-assigned Enterprise plan and pays for
// Acme (consolidated), so neither runs into the free plan's limits when billing is on.
// Before Acme's sites, since creating sites checks the plan's limits.
const msp = await db.organization.findUniqueOrThrow({ where: { slug: "demo-msp" } });
const mspBilling = await inScope({ orgId: msp.id }, (tx) =>
  tx.billingAccount.findUnique({ where: { orgId: msp.id } }),
);
if (mspBilling?.planOverride !== "enterprise")
  await setPlanOverride(db, {
    orgSlug: "demo-msp",
    plan: "enterprise",
    limits: { sites: 250, devices: 500, members: 50, apiKeys: 20, includedGb: 1000 },
  });
const acmeId = (await db.organization.findUniqueOrThrow({ where: { slug: "acme" } })).id;
await inScope({ orgId: acmeId }, (tx) =>
  tx.billingAccount.upsert({
    where: { orgId: acmeId },
    create: { orgId: acmeId, billingMode: "consolidated" },
    update: { billingMode: "consolidated" },
  }),
);

// Acme's network: three sites with a few rules. The start command runs a simulated agent
// per site (scripts/demo-fleet.ts), so the portal shows a live fleet.
const DEMO_SITES = [
  { name: "Paris HQ", wanAddress: "198.51.100.10", lanPrefix: "10.10.0.0/16" },
  { name: "Lyon branch", wanAddress: "198.51.100.20", lanPrefix: "10.20.0.0/16" },
  { name: "Berlin branch", wanAddress: "198.51.100.30", lanPrefix: "10.30.0.0/16" },
];
const acme = await db.organization.findUniqueOrThrow({ where: { slug: "acme" } });
const acmeOwner = userPrincipal(
  await db.user.findUniqueOrThrow({ where: { email: "it@acme.demo.patronus.dev" } }),
);
const tenant = {
  orgId: acme.id,
  orgSlug: acme.slug,
  orgName: acme.name,
  orgKind: acme.kind,
  role: "owner" as const,
  viaOrgId: null,
};
await inScope({ orgId: acme.id }, async (tx) => {
  if ((await tx.site.count({ where: { orgId: acme.id } })) > 0) return;
  for (const s of DEMO_SITES) {
    await createSite(tx, acmeOwner, tenant, {
      name: s.name,
      description: "Demo site (simulated agent)",
      settings: {
        wan: "eth0",
        lan: "eth1",
        wanAddress: s.wanAddress,
        wanIngress: "generic",
        defaultAction: "allow",
        snat: { from: s.lanPrefix, to: s.wanAddress },
      },
    });
  }
  await createRule(tx, acmeOwner, tenant, {
    siteId: null,
    priority: 100,
    action: "deny",
    src: "10.30.0.0/16",
    dst: "10.10.50.0/24",
    proto: "tcp",
    ports: { lo: 22, hi: 22 },
    description: "Branches do not SSH into the HQ server VLAN",
  });
});

// Acme's overlay: two WAN links per site, a cloud gateway in AWS, the classes and SLAs of
// a typical office, and the policy from the issue (executives' SSH via the gateway).
// Its own step, so databases seeded before the overlay existed get it too.
interface LinkSpec {
  name: string;
  kind: "fiber" | "lte";
  interface: string;
  /** The link's /24: its gateway is .1, each site's address another host of it. */
  net: string;
  cost: number;
  mbps: number;
}
const LINKS: LinkSpec[] = [
  { name: "fiber", kind: "fiber", interface: "eth0", net: "198.51.100", cost: 10, mbps: 500 },
  { name: "lte", kind: "lte", interface: "eth2", net: "203.0.113", cost: 50, mbps: 50 },
];
const GATEWAY = {
  name: "aws-us-east",
  host: 40,
  link: { ...LINKS[0]!, name: "internet", mbps: 10_000 },
};
const SLAS = [
  { name: "voice", maxLatencyMs: 150, maxJitterMs: 30, maxLossPct: 1 },
  { name: "video", maxLatencyMs: 200, maxJitterMs: 40, maxLossPct: 2 },
  { name: "interactive", maxLatencyMs: 100, maxJitterMs: 30, maxLossPct: 1 },
  { name: "business", maxLatencyMs: 250, maxJitterMs: 50, maxLossPct: 2 },
];
const APPS: (Omit<AppClassInput, "slaClassId" | "number"> & { sla: string | null })[] = [
  {
    name: "voice",
    kind: "voice",
    dscp: 46,
    sla: "voice",
    // The RTP ports of the office's phones: every class's ports together must fit the data
    // plane's app map (4,096 ports, overlay/apps.ts), or every box refuses the overlay.
    match: [{ proto: "udp", lo: 16384, hi: 17407 }],
  },
  {
    name: "video",
    kind: "video",
    dscp: 34,
    sla: "video",
    match: [
      { proto: "udp", lo: 3478, hi: 3481 },
      { proto: "udp", lo: 8801, hi: 8810 },
    ],
  },
  {
    name: "interactive",
    kind: "interactive",
    dscp: 16,
    sla: "interactive",
    match: [
      { proto: "tcp", lo: 22, hi: 22 },
      { proto: "tcp", lo: 3389, hi: 3389 },
    ],
  },
  // A match is ports or prefixes, not both: the SaaS providers' (documentation) prefixes.
  {
    name: "saas",
    kind: "saas",
    dscp: 18,
    sla: "business",
    match: [{ prefix: "192.0.2.0/24" }, { prefix: "198.18.0.0/15" }],
  },
  {
    name: "bulk",
    kind: "bulk",
    dscp: 8,
    sla: null,
    match: [
      { proto: "tcp", lo: 873, hi: 873 },
      { proto: "tcp", lo: 445, hi: 445 },
    ],
  },
  { name: "default", kind: "default", dscp: null, sla: null, match: [] },
];
await inScope({ orgId: acme.id }, async (tx) => {
  if ((await tx.wanLink.count({ where: { orgId: acme.id } })) > 0) return;
  const ip = (net: string, host: number) => `${net}.${host}`;
  /** The site's role and prefixes, and its links: `net`.1 the gateway, `net`.`host` its own. */
  const joinOverlay = async (
    siteId: string,
    overlay: { role: "edge" | "cloud_gateway"; prefixes: string[] },
    links: LinkSpec[],
    host: number,
  ) => {
    await updateSiteOverlay(tx, acmeOwner, tenant, { siteId, ...overlay });
    for (const l of links)
      await createLink(tx, acmeOwner, tenant, {
        siteId,
        name: l.name,
        kind: l.kind,
        interface: l.interface,
        gateway: ip(l.net, 1),
        publicAddress: ip(l.net, host),
        cost: l.cost,
        upMbps: l.mbps,
        downMbps: l.mbps,
        metered: l.kind === "lte",
        enabled: true,
      });
  };
  if (!(await tx.site.findFirst({ where: { orgId: acme.id, name: GATEWAY.name } })))
    await createSite(tx, acmeOwner, tenant, {
      name: GATEWAY.name,
      description: "Cloud gateway: every site reaches the internet and AWS through it",
      settings: { wan: "eth0", lan: "eth1", wanIngress: "generic", defaultAction: "allow" },
    });
  const sites = await tx.site.findMany({ where: { orgId: acme.id } });
  const byName = (name: string) => sites.find((s) => s.name === name)!;
  for (const [i, d] of DEMO_SITES.entries())
    await joinOverlay(
      byName(d.name).id,
      { role: "edge", prefixes: [d.lanPrefix] },
      LINKS,
      10 * (i + 1),
    );
  const gateway = byName(GATEWAY.name);
  await joinOverlay(
    gateway.id,
    { role: "cloud_gateway", prefixes: ["0.0.0.0/0"] },
    [GATEWAY.link],
    GATEWAY.host,
  );
  await updateOverlaySettings(tx, acmeOwner, tenant, {
    topology: "full_mesh",
    sitePairs: [],
    probeIntervalMs: 100,
    holdDownSeconds: 30,
  });
  const sla = new Map<string, string>();
  for (const s of SLAS) sla.set(s.name, (await createSlaClass(tx, acmeOwner, tenant, s)).id);
  const app = new Map<string, string>();
  for (const { sla: slaName, ...a } of APPS) {
    const input = { ...a, slaClassId: slaName ? sla.get(slaName)! : null };
    app.set(a.name, (await createAppClass(tx, acmeOwner, tenant, input)).id);
  }
  const executives = await createUserGroup(tx, acmeOwner, tenant, {
    name: "executives",
    prefixes: ["10.10.20.0/24"],
  });
  await createPolicy(tx, acmeOwner, tenant, {
    name: "SSH from executives over aws-us-east",
    priority: 100,
    siteId: null,
    appClassId: app.get("interactive")!,
    userGroupId: executives.id,
    srcPrefixes: [],
    preferred: [{ siteId: gateway.id }],
    slaClassId: sla.get("interactive")!,
    onViolation: "best_effort",
    enabled: true,
  });
});

const logins = USERS.map((u) => ({ email: u.email, password: PASSWORD, role: u.role, org: u.org }));
await mkdir(".data", { recursive: true });
await writeFile(".data/demo-logins.json", `${JSON.stringify(logins, null, 2)}\n`);
console.log("Demo data ready. Logins (password for all: %s):", PASSWORD);
for (const l of logins) console.log(`  ${l.email}  ${l.role} of ${l.org}`);
await closeQueues();
await closeRedis();
await db.$disconnect();

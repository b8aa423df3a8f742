// Demo data for `npm start`: an MSP with one customer org and a user per role that matters.
// Idempotent: run it as often as you like. Writes .data/demo-logins.json for the banner.
import { randomUUID } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { hashPassword } from "better-auth/crypto";
import { createDb, type Role } from "../server/db/client";
import { setTxOrg, withScope } from "../server/db/with-tenant";
import { env } from "../server/env";
import { createRule } from "../server/fleet/services/policy-rules";
import { createSite } from "../server/fleet/services/sites";
import { closeQueues } from "../server/jobs/queues";
import { closeRedis } from "../server/redis";

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
  if (existing) return existing;
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
  return user;
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
  await withScope(db, { userId: user.id }, async (tx) => {
    await setTxOrg(tx, org.id);
    const found = await tx.membership.findFirst({ where: { orgId: org.id, userId: user.id } });
    if (!found)
      await tx.membership.create({ data: { orgId: org.id, userId: user.id, role: u.role } });
  });
}

// Acme's network: three sites with a few rules. The start command runs a simulated agent
// per site (scripts/demo-fleet.ts), so the portal shows a live fleet.
const DEMO_SITES = [
  { name: "Paris HQ", wanAddress: "198.51.100.10", lanPrefix: "10.10.0.0/16" },
  { name: "Lyon branch", wanAddress: "198.51.100.20", lanPrefix: "10.20.0.0/16" },
  { name: "Berlin branch", wanAddress: "198.51.100.30", lanPrefix: "10.30.0.0/16" },
];
const acme = await db.organization.findUniqueOrThrow({ where: { slug: "acme" } });
const acmeOwner = await db.user.findUniqueOrThrow({
  where: { email: "it@acme.demo.patronus.dev" },
});
const tenant = {
  orgId: acme.id,
  orgSlug: acme.slug,
  orgName: acme.name,
  orgKind: acme.kind,
  role: "owner" as const,
  viaOrgId: null,
};
await withScope(db, { orgId: acme.id }, async (tx) => {
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

const logins = USERS.map((u) => ({ email: u.email, password: PASSWORD, role: u.role, org: u.org }));
await mkdir(".data", { recursive: true });
await writeFile(".data/demo-logins.json", `${JSON.stringify(logins, null, 2)}\n`);
console.log("Demo data ready. Logins (password for all: %s):", PASSWORD);
for (const l of logins) console.log(`  ${l.email}  ${l.role} of ${l.org}`);
await closeQueues();
await closeRedis();
await db.$disconnect();

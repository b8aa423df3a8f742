// Demo data for `npm start`: an MSP with one customer org and a user per role that matters.
// Idempotent: run it as often as you like. Writes .data/demo-logins.json for the banner.
import { randomUUID } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { hashPassword } from "better-auth/crypto";
import { createDb, type Role } from "../server/db/client";
import { setTxOrg, withScope } from "../server/db/with-tenant";
import { env } from "../server/env";

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

const logins = USERS.map((u) => ({ email: u.email, password: PASSWORD, role: u.role, org: u.org }));
await mkdir(".data", { recursive: true });
await writeFile(".data/demo-logins.json", `${JSON.stringify(logins, null, 2)}\n`);
console.log("Demo data ready. Logins (password for all: %s):", PASSWORD);
for (const l of logins) console.log(`  ${l.email}  ${l.role} of ${l.org}`);
await db.$disconnect();

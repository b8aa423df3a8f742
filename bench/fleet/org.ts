// One org per fleet size, made through the same services and API procedures the portal
// uses: an owner, its org, the sites (one per `perSite` agents) and one enrollment token
// per site with exactly as many uses as that site gets agents.
import { randomBytes, randomUUID } from "node:crypto";
import { createCaller } from "../../server/api/root";
import { createOrg } from "../../server/domains/identity/services/org/create-org";
import { getDb } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import { USER_BUDGET } from "../../server/platform/http/user-budget";
import { userPrincipal } from "../../server/platform/tenancy/principal";
import { waitFor } from "./stats";

export type Caller = ReturnType<typeof createCaller>;

export interface BenchOrg {
  orgId: string;
  orgSlug: string;
  /** The API as the org's owner. */
  caller: Caller;
  sites: number;
  /** An API key of the owner with every scope, for the REST calls. */
  apiKey: string;
  /** One token per agent (a site's token repeated for each of its agents). */
  tokens: string[];
}

export async function createBenchOrg(n: number, perSite: number, log: (s: string) => void) {
  const db = getDb();
  const tag = randomBytes(4).toString("hex");
  const user = {
    id: randomUUID(),
    email: `bench-${tag}@example.test`,
    name: "Bench owner",
    emailVerified: true,
  };
  await db.user.create({ data: user });
  const owner = userPrincipal(user);
  const orgSlug = `bench-${n}-${tag}`;
  const org = await createOrg(db, owner, { name: `Bench ${n}`, slug: orgSlug, kind: "standard" });
  const caller = createCaller({ db, user: owner, headers: new Headers() });

  const sites = Math.ceil(n / perSite);
  // Setting up thousands of sites as one owner is not what is measured: the per-user call
  // budget (600 a minute) is raised in this process.
  USER_BUDGET.callsPerWindow = Math.max(USER_BUDGET.callsPerWindow, 1_000_000_000);
  const tokens: string[] = [];
  for (let s = 0; s < sites; s++) {
    const site = await caller.site.create({ orgSlug, name: `site-${String(s).padStart(5, "0")}` });
    const count = Math.min(perSite, n - s * perSite);
    const t = await caller.site.createToken({ orgSlug, siteId: site.id, maxUses: count });
    for (let i = 0; i < count; i++) tokens.push(t.token);
    if ((s + 1) % 200 === 0) log(`  ${s + 1}/${sites} sites`);
  }
  await waitCompiled(org.id, 120_000);
  const scopes = (await caller.apiKey.scopes({ orgSlug })).map((s) => s.name);
  const { token: apiKey } = await caller.apiKey.create({ orgSlug, name: "bench", scopes });
  return { orgId: org.id, orgSlug, caller, apiKey, sites, tokens } satisfies BenchOrg;
}

export async function fleetRevision(orgId: string) {
  const fr = await withScope(getDb(), { orgId }, (tx) =>
    tx.fleetRevision.findUniqueOrThrow({ where: { orgId } }),
  );
  return fr;
}

/** Waits until the workers have compiled the org's newest revision. */
export async function waitCompiled(orgId: string, timeoutMs: number) {
  let last = "";
  await waitFor(
    "the workers to compile the newest revision",
    async () => {
      const fr = await fleetRevision(orgId);
      last = `revision ${fr.revision}, compiled ${fr.compiled}`;
      return fr.compiled === fr.revision;
    },
    timeoutMs,
    { everyMs: 100, detail: () => last },
  );
}

/** Devices of the org that are online and report `revision` (or newer) applied, in the database. */
export async function dbApplied(orgId: string, revision: number) {
  const [row] = await withScope(
    getDb(),
    { orgId },
    (tx) =>
      tx.$queryRaw<{ applied: number; online: number; total: number }[]>`
      SELECT count(*) FILTER (WHERE "reportedRevision" >= ${revision}
                                AND "applyStatus" = 'applied')::int AS applied,
             count(*) FILTER (WHERE online)::int AS online,
             count(*)::int AS total
      FROM devices WHERE "orgId" = ${orgId} AND status = 'active'`,
  );
  return row!;
}

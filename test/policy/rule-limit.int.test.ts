// The API refuses a rule that would make any site enforce more than the data plane
// holds (MAX_SITE_RULES, global rules counted at every site), with a clear 400, and a
// site at the limit compiles to exactly that many rules.
import { afterAll, describe, expect, it } from "vitest";
import { MAX_SITE_RULES } from "../../protocol";
import { policySection } from "../../server/domains/policy/compile";
import { rulesSection } from "../../server/domains/policy/intent";
import { ZRulesIntent } from "../../server/domains/policy/schemas";
import { getDb, type Tx } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import { closeQueues } from "../../server/platform/jobs/queues";
import { failureOf } from "../../testkit/factories/billing";
import { createTenant } from "../../testkit/factories/tenant";

afterAll(closeQueues);

const rule = (siteId: string | null, n: number) => ({
  siteId,
  priority: n,
  action: "deny" as const,
  src: `10.${(n >> 8) & 255}.${n & 255}.0/24`,
  dst: "192.168.0.0/16",
  proto: "tcp" as const,
  ports: { lo: 1000 + n, hi: 1000 + n },
});

describe("rules per site", () => {
  it(`takes ${MAX_SITE_RULES} rules at a site, global ones included, and refuses one more`, async () => {
    const t = await createTenant();
    // Thousands of rows in one transaction: on a loaded machine that outlasts Prisma's 5 s.
    const scoped = <T>(fn: (tx: Tx) => Promise<T>) =>
      withScope(getDb(), { orgId: t.orgId }, fn, { timeoutMs: 120_000, maxWaitMs: 30_000 });
    // All but two, written directly: thousands of API calls would only test the loop.
    const global = MAX_SITE_RULES - 2;
    await scoped((tx) =>
      tx.policyRule.createMany({
        data: Array.from({ length: global }, (_, n) => {
          const { ports, ...r } = rule(null, n);
          return { orgId: t.orgId, ...r, portLo: ports.lo, portHi: ports.hi };
        }),
      }),
    );
    const add = (siteId: string | null, n: number) =>
      t.caller.policy.create({ orgSlug: t.slug, ...rule(siteId, n) });
    await add(null, global);
    await add(t.siteId, global + 1); // the site is at the limit now
    const refused = "A site can enforce at most 4096 rules (global rules included)";
    expect(await failureOf(add(t.siteId, global + 2))).toEqual({
      code: "BAD_REQUEST",
      message: refused,
    });
    expect(await failureOf(add(null, global + 2))).toEqual({
      code: "BAD_REQUEST",
      message: refused,
    });

    // What a revision snapshots: the org's rules as the compiler reads them.
    const intent = ZRulesIntent.parse(await scoped((tx) => rulesSection.load(tx, t.orgId)));
    const site = policySection.forOrg(t.orgId, { rules: intent }, undefined).site(t.siteId);
    expect(site?.rules).toHaveLength(MAX_SITE_RULES);
  });
});

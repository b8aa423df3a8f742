// `npm run billing:set-plan`: an operator gives one org a plan and custom limits (the
// script itself, run as a process), with clear errors for bad input.

// Stripe first: the stand-in runs and billing is on before any server module loads.
import "../../../testkit/stripe-env";

import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { billingState } from "../../../server/domains/billing/services/account";
import { closeQueues } from "../../../server/platform/jobs/queues";
import { asOrg, auditOf, billedOrg } from "../../../testkit/factories/billing";

afterAll(closeQueues);

async function setPlan(...args: string[]) {
  try {
    const { stdout } = await promisify(execFile)(
      "node_modules/.bin/tsx",
      ["scripts/billing-set-plan.ts", ...args],
      {
        env: process.env,
      },
    );
    return { code: 0, out: stdout };
  } catch (error) {
    const e = error as { code: number; stderr: string };
    return { code: e.code, out: e.stderr };
  }
}

describe("billing:set-plan", () => {
  it("sets enterprise limits, audited, and --clear goes back to the subscription's plan", async () => {
    const org = await billedOrg();
    const { api, slug, orgId } = org;
    expect(
      await setPlan("--org", slug, "--plan", "enterprise", "--sites", "4", "--included-gb", "2.5"),
    ).toMatchObject({ code: 0 });
    const state = await asOrg(orgId, (tx) => billingState(tx, orgId));
    expect(state.plan.key).toBe("enterprise");
    expect(state.limits).toMatchObject({ sites: 4, includedGb: 2.5, devices: 20_000 });
    for (const name of ["A", "B", "C", "D"]) await api.site.create({ orgSlug: slug, name });
    await expect(api.site.create({ orgSlug: slug, name: "E" })).rejects.toThrow(
      /Enterprise plan allows 4 sites/,
    );
    expect(await auditOf(orgId, "billing.plan_override")).toMatchObject([
      {
        actorKind: "system",
        actorId: "operator",
        after: { planOverride: "enterprise", customLimits: { sites: 4, includedGb: 2.5 } },
      },
    ]);

    expect(await setPlan("--org", slug, "--clear")).toMatchObject({ code: 0 });
    const cleared = await asOrg(orgId, (tx) => billingState(tx, orgId));
    expect(cleared.limits.sites).toBe(3);
  });

  it("exits non-zero with the reason and the usage on bad input or an unknown org", async () => {
    const bad = await setPlan("--org", "x", "--plan", "gold");
    expect(bad).toMatchObject({ code: 2, out: expect.stringMatching(/\(got gold\)[\s\S]*usage:/) });
    const unknown = await setPlan("--org", "no-such-org", "--plan", "free");
    expect(unknown).toMatchObject({
      code: 1,
      out: expect.stringMatching(/No organization with the slug "no-such-org"/),
    });
  });
});

// An MSP's billing and its customers' own billing pages agree: the MSP sees each customer's
// sites and this period's data transfer exactly as the customer's page shows them, and
// what its bill covers (the per-site quantity) counts its consolidated customers' sites.
// Issue 16: the MSP's page showed 0 sites while its consolidated customer's showed 4.
import "../../../testkit/stripe-env";

import { afterAll, describe, expect, it } from "vitest";
import { writeUsage } from "../../../server/domains/billing/services/usage/write-usage";
import { getDb } from "../../../server/platform/db/client";
import { withScope } from "../../../server/platform/db/with-tenant";
import { closeQueues } from "../../../server/platform/jobs/queues";
import { callerFor } from "../../../testkit/factories/identity";
import { usageReport } from "../usage/lib";
import { enterprise, mspWithCustomer } from "./lib";

afterAll(closeQueues);

const noLog = () => {};

/** Two reports of one device through the ingest's writer: a baseline, then `rx`/`tx` more. */
async function reportUsage(orgId: string, siteId: string, rx: number, tx: number) {
  await withScope(getDb(), { orgId }, async (t) => {
    const d = await t.device.create({
      data: { orgId, siteId, hostname: "box", status: "active" },
    });
    await writeUsage(t, orgId, new Map([[d.id, usageReport(0, 0, 1)]]), noLog);
    await writeUsage(t, orgId, new Map([[d.id, usageReport(rx, tx, 1)]]), noLog);
  });
}

describe("MSP and customer billing agree", () => {
  it("shows the consolidated customer's sites and usage on the MSP's billing", async () => {
    const { msp, customer } = await mspWithCustomer();
    await enterprise(msp.slug);
    const api = callerFor(msp.owner);
    // Consolidated first: the MSP's Enterprise plan then allows the fourth site.
    await api.billing.setMode({
      orgSlug: msp.slug,
      customerOrgId: customer.id,
      mode: "consolidated",
    });
    const sites = [];
    for (const name of ["HQ", "Branch 1", "Branch 2", "Gateway"])
      sites.push(await api.site.create({ orgSlug: customer.slug, name }));
    await reportUsage(customer.id, sites[0]!.id, 3_000_000, 1_000_000);

    const own = await api.billing.summary({ orgSlug: customer.slug });
    const ownSites = own.limits.find((l) => l.resource === "sites")?.used;
    expect(ownSites).toBe(4);
    expect(own.dataTransfer.usedBytes).toBe(4_000_000);

    const list = await api.billing.customers({ orgSlug: msp.slug });
    expect(list.customers).toEqual([
      expect.objectContaining({ id: customer.id, sites: 4, usageBytes: 4_000_000 }),
    ]);
    const mspSummary = await api.billing.summary({ orgSlug: msp.slug });
    expect(mspSummary.billed).toEqual({
      customers: 1,
      customerSites: 4,
      customerUsageBytes: 4_000_000,
      sites: 4,
    });
    // The included data transfer is shared: the MSP's bar counts what its customer used.
    expect(mspSummary.dataTransfer.usedBytes).toBe(4_000_000);
  });

  it("leaves a customer on its own subscription off the MSP's bill", async () => {
    const { msp, customer } = await mspWithCustomer();
    await enterprise(msp.slug);
    const api = callerFor(msp.owner);
    const site = await api.site.create({ orgSlug: customer.slug, name: "HQ" });
    await reportUsage(customer.id, site.id, 500, 500);
    const list = await api.billing.customers({ orgSlug: msp.slug });
    expect(list.customers).toEqual([
      expect.objectContaining({ mode: "direct", sites: 1, usageBytes: 1000 }),
    ]);
    const s = await api.billing.summary({ orgSlug: msp.slug });
    expect(s.billed).toBeNull();
    expect(s.dataTransfer.usedBytes).toBe(0);
  });
});

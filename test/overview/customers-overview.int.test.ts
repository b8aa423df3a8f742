// An MSP's customers at a glance: health (worst site), incidents, sites up of total,
// devices, usage and billing mode per customer; sorted and filtered on the server; another
// MSP's caller gets NOT_FOUND and a customer never sees its siblings.
import "../../testkit/stripe-env";

import { afterAll, describe, expect, it } from "vitest";
import { evaluateOrg } from "../../server/domains/alerting";
import { getDb } from "../../server/platform/db/client";
import { closeQueues } from "../../server/platform/jobs/queues";
import {
  callerFor,
  createOrgWithOwner,
  inviteTokenFor,
  uid,
} from "../../testkit/factories/identity";
import { addDevice } from "../../testkit/factories/overlay";
import { enterprise } from "../billing/api/lib";
import { reportEvents, reportOnline, reportUsage } from "./lib";

afterAll(closeQueues);

async function mspWithCustomers() {
  const msp = await createOrgWithOwner("msp");
  const api = callerFor(msp.owner);
  await enterprise(msp.slug);
  const customer = async (name: string) => {
    const slug = `c-${uid()}`;
    const org = await api.org.createCustomer({ orgSlug: msp.slug, name, slug });
    return { id: org.id, slug, name };
  };
  // Healthy: two sites, both online; consolidated, with usage.
  const healthy = await customer("Alpha Dental");
  const h1 = await api.site.create({ orgSlug: healthy.slug, name: "HQ" });
  const h2 = await api.site.create({ orgSlug: healthy.slug, name: "Branch" });
  for (const site of [h1, h2]) {
    const d = await addDevice(healthy.id, site.id, { online: false });
    await reportOnline(healthy.id, d.id);
    await reportUsage(healthy.id, d.id, 0, 0);
    await reportUsage(healthy.id, d.id, 3_000, 1_000);
  }
  await api.billing.setMode({ orgSlug: msp.slug, customerOrgId: healthy.id, mode: "consolidated" });
  // Down: one site whose box is offline, an open path incident.
  const broken = await customer("Beta Logistics");
  const b1 = await api.site.create({ orgSlug: broken.slug, name: "Depot" });
  const bd = await addDevice(broken.id, b1.id, { online: false });
  await reportEvents(broken.id, bd.id, [{ kind: "path_down", unit: "path:p", remoteSiteId: null }]);
  // The alerting engine's view an hour on (past every rule's duration): one incident of the
  // site, its box offline and its path down correlated into it.
  await evaluateOrg(getDb(), broken.id, new Date(Date.now() + 3_600_000));
  // No sites yet.
  const fresh = await customer("Gamma Retail");
  return { msp, api, healthy, broken, fresh };
}

describe("customers.overview", () => {
  it("lists every customer with health, incidents, sites, devices, usage and billing", async () => {
    const { msp, api, healthy, broken, fresh } = await mspWithCustomers();
    const v = await api.customers.overview({ orgSlug: msp.slug });
    expect(v.total).toBe(3);
    expect(v.customers).toEqual([
      {
        id: healthy.id,
        slug: healthy.slug,
        name: healthy.name,
        health: "up",
        incidents: 0,
        sites: { up: 2, total: 2 },
        devices: 2,
        usageBytes: 8_000,
        billingMode: "consolidated",
      },
      {
        id: broken.id,
        slug: broken.slug,
        name: broken.name,
        health: "down",
        incidents: 1,
        sites: { up: 0, total: 1 },
        devices: 1,
        usageBytes: 0,
        billingMode: "direct",
      },
      expect.objectContaining({ id: fresh.id, health: "empty", sites: { up: 0, total: 0 } }),
    ]);
    // The customer's own billing shows the same usage the MSP sees.
    const own = await api.billing.summary({ orgSlug: healthy.slug });
    expect(own.dataTransfer.usedBytes).toBe(8_000);
  });

  it("sorts and filters by name, health and billing mode", async () => {
    const { msp, api } = await mspWithCustomers();
    const names = async (q: Parameters<typeof api.customers.overview>[0]) =>
      (await api.customers.overview(q)).customers.map((c) => c.name);
    const worstFirst = await names({ orgSlug: msp.slug, sort: "health", order: "desc" });
    expect(worstFirst).toEqual(["Beta Logistics", "Alpha Dental", "Gamma Retail"]);
    expect(await names({ orgSlug: msp.slug, health: "down" })).toEqual(["Beta Logistics"]);
    expect(await names({ orgSlug: msp.slug, billingMode: "consolidated" })).toEqual([
      "Alpha Dental",
    ]);
    expect(await names({ orgSlug: msp.slug, q: "gAMMa" })).toEqual(["Gamma Retail"]);
    expect(await names({ orgSlug: msp.slug, sort: "usage", order: "desc" })).toEqual([
      "Alpha Dental",
      "Beta Logistics",
      "Gamma Retail",
    ]);
    const r = await api.customers.overview({ orgSlug: msp.slug, q: "nobody" });
    expect(r).toEqual({ total: 3, customers: [] });
  });

  it("gives another MSP NOT_FOUND and keeps a customer from its siblings", async () => {
    const { msp, healthy, broken } = await mspWithCustomers();
    const other = await createOrgWithOwner("msp");
    await expect(
      callerFor(other.owner).customers.overview({ orgSlug: msp.slug }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    // A member of one customer: not of the MSP, not of the sibling.
    const custOwner = (await createOrgWithOwner()).owner;
    await callerFor(msp.owner).invitation.create({
      orgSlug: healthy.slug,
      email: custOwner.email,
      role: "owner",
    });
    await callerFor(custOwner).invitation.accept({ token: await inviteTokenFor(custOwner.email) });
    const asCustomer = callerFor(custOwner);
    await expect(asCustomer.customers.overview({ orgSlug: msp.slug })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(asCustomer.customers.overview({ orgSlug: broken.slug })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(asCustomer.overview.get({ orgSlug: broken.slug })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    // Its own org has no customers to list.
    await expect(asCustomer.customers.overview({ orgSlug: healthy.slug })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });
});

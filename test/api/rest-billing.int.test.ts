// Billing reads over REST (billing off, as in every test file that starts no Stripe
// stand-in): status, summary, daily usage, and invoices paged newest first. Another org's
// key gets 404, a key without billing.read 403; checkout and the portal have no route.
import { describe, expect, it } from "vitest";
import { getDb } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import { allPages, apiOrg, useApiServer } from "../../testkit/api-server";
import { uid } from "../../testkit/factories/identity";

const { call } = useApiServer();

/** `count` invoices as the Stripe mirror writes them, one a month of 2025. */
async function invoices(orgId: string, count: number) {
  await withScope(getDb(), { orgId }, (tx) =>
    tx.billingInvoice.createMany({
      data: Array.from({ length: count }, (_, i) => ({
        id: `in_${uid()}`,
        orgId,
        number: `INV-${i}`,
        status: "paid",
        currency: "usd",
        amountDue: 1000,
        amountPaid: 1000,
        createdAt: new Date(Date.UTC(2025, i, 1)),
      })),
    }),
  );
}

describe("billing over REST", () => {
  it("reads the status, summary and usage, and pages invoices newest first", async () => {
    const o = await apiOrg();
    const get = async (path: string) => {
      const res = await call(o.token, "GET", `/orgs/${o.slug}${path}`);
      expect(res.status, path).toBe(200);
      return res.json();
    };
    expect(await get("/billing/status")).toEqual({
      enabled: false,
      readOnly: false,
      graceEndsAt: null,
    });
    expect(await get("/billing")).toMatchObject({ enabled: false, readOnly: false });
    expect(await get("/usage?days=7")).toHaveLength(7);

    await invoices(o.org.id, 5);
    const all = await allPages<{ number: string }>(call, o.token, `/orgs/${o.slug}/invoices`, 2);
    expect(all.pages).toBe(3);
    expect(all.items.map((i) => i.number)).toEqual(["INV-4", "INV-3", "INV-2", "INV-1", "INV-0"]);
    const bad = await call(o.token, "GET", `/orgs/${o.slug}/usage?days=91`);
    expect(bad.status).toBe(400);
  });

  it("is 404 to another org's key, 403 without billing.read, and has no checkout route", async () => {
    const a = await apiOrg();
    const b = await apiOrg();
    for (const path of ["/billing", "/billing/status", "/usage", "/invoices"])
      expect((await call(b.token, "GET", `/orgs/${a.slug}${path}`)).status, path).toBe(404);
    const blind = await apiOrg({ scopes: ["site.read"] });
    for (const path of ["/billing", "/usage", "/invoices"])
      expect((await call(blind.token, "GET", `/orgs/${blind.slug}${path}`)).status).toBe(403);
    for (const path of ["/billing/checkout", "/billing/portal", "/billing/checkout/checkout"])
      expect((await call(a.token, "POST", `/orgs/${a.slug}${path}`)).status).toBe(404);
  });
});

// Stripe first: the stand-in runs and billing is on before any server module loads.
import "../../../testkit/stripe-env";

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "../../../server/domains/identity/auth/session";
import { closeQueues } from "../../../server/platform/jobs/queues";
import { ROLES } from "../../../server/platform/tenancy/permissions";
import { addMember, callerFor, createOrgWithOwner } from "../../../testkit/factories/identity";
import { enterprise } from "./lib";

afterAll(closeQueues);

type Api = ReturnType<typeof callerFor>;
const CALLS: Record<string, (api: Api, orgSlug: string) => Promise<unknown>> = {
  summary: (api, orgSlug) => api.billing.summary({ orgSlug }),
  usage: (api, orgSlug) => api.billing.usage({ orgSlug, days: 7 }),
  invoices: (api, orgSlug) => api.billing.invoices({ orgSlug }),
  customers: (api, orgSlug) => api.billing.customers({ orgSlug }),
  checkout: (api, orgSlug) => api.billing.checkout({ orgSlug, plan: "standard" }),
  portal: (api, orgSlug) => api.billing.portal({ orgSlug }),
  refresh: (api, orgSlug) => api.billing.refresh({ orgSlug }),
  setMode: (api, orgSlug) =>
    api.billing.setMode({ orgSlug, customerOrgId: "missing", mode: "direct" }),
};

const outcome = (p: Promise<unknown>) =>
  p.then(
    () => "OK",
    (e: { code?: string }) => e.code ?? "THREW",
  );

describe("billing procedures, roles and tenants (billing on)", () => {
  // An MSP with a member per role (Enterprise, so six members fit) and an outsider.
  let slug: string;
  let outsider: SessionUser;
  const byRole = new Map<string, SessionUser>();

  beforeAll(async () => {
    const a = await createOrgWithOwner("msp");
    slug = a.slug;
    await enterprise(slug);
    byRole.set("owner", a.owner);
    for (const role of ROLES.filter((r) => r !== "owner"))
      byRole.set(role, await addMember(slug, a.owner, role));
    outsider = (await createOrgWithOwner()).owner;
  });

  it.each(Object.keys(CALLS))(
    "%s: owner and billing pass, every other role is FORBIDDEN",
    async (name) => {
      for (const role of ROLES) {
        const result = await outcome(CALLS[name]!(callerFor(byRole.get(role)!), slug));
        const allowed = role === "owner" || role === "billing";
        expect(`${role}: ${result === "FORBIDDEN" ? "FORBIDDEN" : "passed"}`).toBe(
          `${role}: ${allowed ? "passed" : "FORBIDDEN"}`,
        );
      }
    },
  );

  it("summary, usage, invoices and customers answer the billing role", async () => {
    const api = callerFor(byRole.get("billing")!);
    expect(await api.billing.summary({ orgSlug: slug })).toMatchObject({
      plan: { key: "enterprise" },
      isMsp: true,
    });
    expect(await api.billing.customers({ orgSlug: slug })).toEqual({
      canConsolidate: true,
      customers: [],
    });
  });

  it("status answers every role, and says nothing about money", async () => {
    for (const role of ROLES) {
      const status = await callerFor(byRole.get(role)!).billing.status({ orgSlug: slug });
      expect(status).toEqual({ enabled: true, readOnly: false, graceEndsAt: null });
    }
  });

  it.each(["status", ...Object.keys(CALLS)])(
    "%s: another org's billing is NOT_FOUND",
    async (name) => {
      const call =
        name === "status"
          ? callerFor(outsider).billing.status({ orgSlug: slug })
          : CALLS[name]!(callerFor(outsider), slug);
      expect(await outcome(call)).toBe("NOT_FOUND");
    },
  );

  it("a customer of another MSP cannot be switched: NOT_FOUND", async () => {
    const other = await createOrgWithOwner("msp");
    const theirs = await callerFor(other.owner).org.createCustomer({
      orgSlug: other.slug,
      name: "Not yours",
      slug: `nyc-${Date.now().toString(36)}`,
    });
    const call = callerFor(byRole.get("owner")!).billing.setMode({
      orgSlug: slug,
      customerOrgId: theirs.id,
      mode: "consolidated",
    });
    expect(await outcome(call)).toBe("NOT_FOUND");
  });
});

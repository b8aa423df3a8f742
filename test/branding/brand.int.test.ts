// The brand procedures on the real database: field checks, merge order (own, MSP, default),
// an MSP editing its customer's brand, templates, images, audit and tenancy.
import { TRPCError } from "@trpc/server";
import { afterAll, describe, expect, it } from "vitest";
import { getDb } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import { closeQueues } from "../../server/platform/jobs/queues";
import { addMember, callerFor, createOrgWithOwner, uid } from "../../testkit/factories/identity";
import { solidPng } from "../../testkit/png";

afterAll(closeQueues);

async function failure(p: Promise<unknown>) {
  try {
    await p;
  } catch (error) {
    if (error instanceof TRPCError) return error;
    throw error;
  }
  throw new Error("expected a failure");
}

const fieldsOf = (e: TRPCError) =>
  (
    e.cause as { details?: Record<string, string>; issues?: { path: string[]; message: string }[] }
  ).issues?.map((i) => `${i.path.join(".")}: ${i.message}`) ?? [];

/** An MSP with a customer, and the customer's own owner. */
async function mspWithCustomer() {
  const msp = await createOrgWithOwner("msp");
  const api = callerFor(msp.owner);
  const slug = `cust-${uid()}`;
  const customer = await api.org.createCustomer({ orgSlug: msp.slug, name: "Customer", slug });
  const customerOwner = await addMember(slug, msp.owner, "owner");
  return { msp, api, customer: { ...customer, slug }, customerOwner };
}

const auditOf = (orgId: string) =>
  withScope(getDb(), { orgId }, (tx) =>
    tx.auditLog.findMany({
      where: { orgId, action: { startsWith: "brand." } },
      orderBy: { createdAt: "asc" },
    }),
  );

describe("brand", () => {
  it("starts as Patronus' defaults and keeps what the owner sets, audited", async () => {
    const o = await createOrgWithOwner();
    const api = callerFor(o.owner);
    const first = await api.brand.get({ orgSlug: o.slug });
    expect(first.effective).toMatchObject({ productName: "Patronus", primaryColor: "#1d5fd6" });
    expect(first.own.productName).toBeNull();

    const set = await api.brand.update({
      orgSlug: o.slug,
      productName: "Acme WAN",
      primaryColor: "#0E7490",
      supportUrl: "https://help.acme.test",
      emailSenderName: "Acme Support",
    });
    expect(set.own).toMatchObject({ productName: "Acme WAN", primaryColor: "#0e7490" });
    expect(set.effective.sources).toMatchObject({ productName: "own", accentColor: "default" });
    // null clears a field: the default applies again.
    const cleared = await api.brand.update({ orgSlug: o.slug, productName: null });
    expect(cleared.effective.productName).toBe("Patronus");
    // Billing is off here (a self-hosted install): white-label is allowed.
    expect(cleared.whiteLabel.allowed).toBe(true);
    const hidden = await api.brand.update({ orgSlug: o.slug, hidePoweredBy: true });
    expect(hidden.effective.hidePoweredBy).toBe(true);

    const audit = await auditOf(o.org.id);
    expect(audit.map((a) => a.action)).toEqual(["brand.update", "brand.update", "brand.update"]);
    expect(audit[1]).toMatchObject({
      before: { productName: "Acme WAN" },
      after: { productName: null },
    });
  });

  it("refuses colours that fail contrast, stating the measured ratio", async () => {
    const o = await createOrgWithOwner();
    const api = callerFor(o.owner);
    const e = await failure(
      api.brand.update({ orgSlug: o.slug, primaryColor: "#ff9900", accentColor: "#174bab" }),
    );
    expect(e.code).toBe("BAD_REQUEST");
    expect(fieldsOf(e)).toEqual([
      "primaryColor: 2.1:1 against white; needs 4.5:1",
      "accentColor: 2.2:1 against the dark background; needs 3.0:1",
    ]);
    for (const bad of [
      { supportUrl: "http://help.acme.test" },
      { emailSenderName: 'Acme" <evil@x>' },
      { signInText: "x".repeat(501) },
      { supportEmail: "nope" },
    ])
      expect((await failure(api.brand.update({ orgSlug: o.slug, ...bad }))).code).toBe(
        "BAD_REQUEST",
      );
  });

  it("merges field by field: the org's own, then its MSP's, then the defaults", async () => {
    const { msp, api, customer } = await mspWithCustomer();
    await api.brand.update({
      orgSlug: msp.slug,
      productName: "MSP Cloud",
      primaryColor: "#6d28d9",
    });
    // The MSP brands its customer through the ladder.
    await api.brand.update({ orgSlug: customer.slug, accentColor: "#0284c7" });
    const view = await api.brand.get({ orgSlug: customer.slug });
    expect(view.effective).toMatchObject({
      productName: "MSP Cloud",
      primaryColor: "#6d28d9",
      accentColor: "#0284c7",
      supportUrl: null,
      sources: {
        productName: "msp",
        primaryColor: "msp",
        accentColor: "own",
        supportUrl: "default",
      },
    });
    expect(view.own.productName).toBeNull();
    // The MSP's own brand is untouched by the customer's.
    expect((await api.brand.get({ orgSlug: msp.slug })).effective.accentColor).toBe("#1d5fd6");
    const audit = await auditOf(customer.id);
    expect(audit.map((a) => [a.action, a.actorEmail])).toEqual([["brand.update", msp.owner.email]]);
  });

  it("never shows another MSP's brand or lets another org's caller in", async () => {
    const a = await mspWithCustomer();
    const b = await mspWithCustomer();
    await b.api.brand.update({ orgSlug: b.msp.slug, productName: "B Networks" });
    const customerA = callerFor(a.customerOwner);
    for (const call of [
      () => customerA.brand.get({ orgSlug: b.msp.slug }),
      () => customerA.brand.update({ orgSlug: b.msp.slug, productName: "x" }),
      () => customerA.brand.templates.list({ orgSlug: b.msp.slug }),
      () => customerA.brand.removeImage({ orgSlug: b.msp.slug, slot: "favicon" }),
      () => a.api.brand.get({ orgSlug: b.customer.slug }),
    ])
      expect((await failure(call())).code).toBe("NOT_FOUND");
    expect((await customerA.brand.get({ orgSlug: a.customer.slug })).effective.productName).toBe(
      "Patronus",
    );
    // Row-level security: the customer's scope reads its own MSP's brand, never another's.
    const rows = await withScope(getDb(), { orgId: a.customer.id }, (tx) =>
      tx.brand.findMany({ where: { orgId: { in: [b.msp.org.id, b.customer.id] } } }),
    );
    expect(rows).toEqual([]);
  });

  it("lets a viewer read and not change it", async () => {
    const o = await createOrgWithOwner();
    const viewer = callerFor(await addMember(o.slug, o.owner, "viewer"));
    expect((await viewer.brand.get({ orgSlug: o.slug })).effective.productName).toBe("Patronus");
    expect((await failure(viewer.brand.update({ orgSlug: o.slug, productName: "x" }))).code).toBe(
      "FORBIDDEN",
    );
  });
});

describe("brand images", () => {
  it("stores a PNG, replaces and removes it, audited", async () => {
    const o = await createOrgWithOwner();
    const api = callerFor(o.owner);
    const png = solidPng(120, 40).toString("base64");
    const up = await api.brand.uploadImage({ orgSlug: o.slug, slot: "logoLight", dataBase64: png });
    expect(up.own.logoLightUrl).toMatch(/^\/assets\/\S+$/);
    expect(up.effective.logoLightUrl).toBe(up.own.logoLightUrl);
    const gone = await api.brand.removeImage({ orgSlug: o.slug, slot: "logoLight" });
    expect(gone.own.logoLightUrl).toBeNull();
    expect((await auditOf(o.org.id)).map((a) => a.action)).toEqual([
      "brand.image_upload",
      "brand.image_remove",
    ]);
  });

  it("refuses what is not an image, not base64, or too large, clearly", async () => {
    const o = await createOrgWithOwner();
    const api = callerFor(o.owner);
    const upload = (dataBase64: string) =>
      failure(api.brand.uploadImage({ orgSlug: o.slug, slot: "favicon", dataBase64 }));
    expect(await upload(Buffer.from("<svg/>").toString("base64"))).toMatchObject({
      code: "BAD_REQUEST",
    });
    expect(await upload("%%%not base64")).toMatchObject({
      code: "BAD_REQUEST",
      message: "The image is not valid base64",
    });
    const big = await upload("A".repeat(700 * 1024 + 4));
    expect(big.code).toBe("BAD_REQUEST");
    expect(fieldsOf(big)).toEqual([
      "dataBase64: The image is too large: at most 700 KB as base64 (about 512 KB of PNG)",
    ]);
  });
});

describe("mail templates", () => {
  it("checks placeholders at save, naming the unknown one", async () => {
    const o = await createOrgWithOwner();
    const api = callerFor(o.owner);
    const e = await failure(
      api.brand.templates.update({
        orgSlug: o.slug,
        kind: "invitation",
        subject: "Join {{team}}",
        body: "Open it",
      }),
    );
    expect(e.code).toBe("BAD_REQUEST");
    expect(fieldsOf(e)).toEqual([
      "subject: Unknown placeholder {{team}}: this mail can use {{productName}}, {{orgName}}, {{inviterEmail}}, {{url}}",
      "body: The body must contain {{url}}: the mail carries that link",
    ]);
  });

  it("inherits the MSP's text, sends invitations in the customer's brand, resets", async () => {
    const { msp, api, customer } = await mspWithCustomer();
    await api.brand.update({
      orgSlug: msp.slug,
      productName: "MSP Cloud",
      emailSenderName: "MSP Support",
    });
    await api.brand.templates.update({
      orgSlug: msp.slug,
      kind: "invitation",
      subject: "Welcome to {{orgName}} on {{productName}}",
      body: "{{inviterEmail}} added you. Start here: {{url}}",
    });
    const list = await api.brand.templates.list({ orgSlug: customer.slug });
    expect(list.find((t) => t.kind === "invitation")).toMatchObject({ source: "msp" });
    expect(list.find((t) => t.kind === "alert")).toMatchObject({
      source: "default",
      required: ["url"],
    });

    const email = `new-${uid()}@example.test`;
    await api.invitation.create({ orgSlug: customer.slug, email, role: "viewer" });
    const mail = await getDb().mailOutbox.findFirstOrThrow({ where: { to: email } });
    expect(mail).toMatchObject({
      kind: "invitation",
      subject: "Welcome to Customer on MSP Cloud",
      fromName: "MSP Support",
    });
    expect(mail.text).toMatch(
      new RegExp(`^${msp.owner.email} added you. Start here: http\\S+/invite/`),
    );

    const preview = await api.brand.previewTemplate({
      orgSlug: customer.slug,
      kind: "alert",
      subject: "{{alertTitle}} ({{productName}})",
      body: "{{alertText}}\n{{url}}",
    });
    expect(preview.subject).toBe("Payment failed for Example Customer (MSP Cloud)");
    expect(preview.from).toMatch(/^"MSP Support" </);

    await api.brand.templates.update({
      orgSlug: customer.slug,
      kind: "invitation",
      subject: "Hi",
      body: "{{url}}",
    });
    const reset = await api.brand.templates.reset({ orgSlug: customer.slug, kind: "invitation" });
    expect(reset.source).toBe("msp");
    expect((await auditOf(customer.id)).map((a) => a.action)).toEqual([
      "brand.template_update",
      "brand.template_reset",
    ]);
  });
});

// The brand and its mail templates over REST: read, change with If-Match, upload an image
// as base64 JSON, 400 with field details for a colour that fails contrast, 404 for another
// org's key, 403 for a key without brand.update.
import { describe, expect, it } from "vitest";
import { apiKeyFor, apiOrg, useApiServer } from "../../testkit/api-server";
import { solidPng } from "../../testkit/png";

const { call } = useApiServer();

describe("the brand over REST", () => {
  it("reads and changes the brand; a stale If-Match is 412", async () => {
    const o = await apiOrg();
    const path = `/orgs/${o.slug}/brand`;
    const read = await call(o.token, "GET", path);
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ effective: { productName: "Patronus" } });
    const etag = read.headers.get("etag")!;
    const changed = await call(
      o.token,
      "PATCH",
      path,
      { productName: "Acme WAN" },
      { "if-match": etag },
    );
    expect(changed.status).toBe(200);
    expect(await changed.json()).toMatchObject({ effective: { productName: "Acme WAN" } });
    const stale = await call(
      o.token,
      "PATCH",
      path,
      { productName: "Other" },
      { "if-match": etag },
    );
    expect(stale.status).toBe(412);
  });

  it("answers 400 with the measured ratio for a colour that fails contrast", async () => {
    const o = await apiOrg();
    const res = await call(o.token, "PATCH", `/orgs/${o.slug}/brand`, { primaryColor: "#ff9900" });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain("2.1:1 against white; needs 4.5:1");
  });

  it("uploads an image as base64 JSON and removes it", async () => {
    const o = await apiOrg();
    const path = `/orgs/${o.slug}/brand/images/favicon`;
    const up = await call(o.token, "PUT", path, {
      dataBase64: solidPng(32, 32).toString("base64"),
    });
    expect(up.status).toBe(200);
    expect(((await up.json()) as { own: { faviconUrl: string } }).own.faviconUrl).toMatch(
      /^\/assets\//,
    );
    // The largest upload the schema allows fits the API's body limit: the schema's message answers.
    const big = await call(o.token, "PUT", path, { dataBase64: "A".repeat(700 * 1024 + 4) });
    expect(big.status).toBe(400);
    expect(JSON.stringify(await big.json())).toContain("at most 700 KB as base64");
    const removed = await call(o.token, "DELETE", path);
    expect(((await removed.json()) as { own: { faviconUrl: null } }).own.faviconUrl).toBeNull();
  });

  it("saves, previews and resets a mail template", async () => {
    const o = await apiOrg();
    const path = `/orgs/${o.slug}/email-templates/alert`;
    const bad = await call(o.token, "PUT", path, { subject: "{{nope}}", body: "{{url}}" });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain("Unknown placeholder {{nope}}");
    const saved = await call(o.token, "PUT", path, {
      subject: "Alert: {{alertTitle}}",
      body: "{{url}}",
    });
    expect(await saved.json()).toMatchObject({ kind: "alert", source: "own" });
    const preview = await call(o.token, "POST", `${path}/preview`, {
      subject: "{{productName}}: {{alertTitle}}",
      body: "{{alertText}} {{url}}",
    });
    expect(await preview.json()).toMatchObject({
      subject: "Patronus: Payment failed for Example Customer",
    });
    const list = (await (await call(o.token, "GET", `/orgs/${o.slug}/email-templates`)).json()) as {
      kind: string;
    }[];
    expect(list.map((t) => t.kind)).toEqual([
      "verify-email",
      "reset-password",
      "invitation",
      "alert",
    ]);
    const reset = await call(o.token, "DELETE", path);
    expect(await reset.json()).toMatchObject({ source: "default" });
  });

  it("is 404 for another org's key and 403 without brand.update", async () => {
    const a = await apiOrg();
    const b = await apiOrg();
    expect((await call(b.token, "GET", `/orgs/${a.slug}/brand`)).status).toBe(404);
    expect(
      (await call(b.token, "PATCH", `/orgs/${a.slug}/brand`, { productName: "x" })).status,
    ).toBe(404);
    expect((await call(b.token, "GET", `/orgs/${a.slug}/email-templates`)).status).toBe(404);
    const readOnly = await apiKeyFor(a.owner, a.slug, ["brand.read"]);
    expect((await call(readOnly, "GET", `/orgs/${a.slug}/brand`)).status).toBe(200);
    expect(
      (await call(readOnly, "PATCH", `/orgs/${a.slug}/brand`, { productName: "x" })).status,
    ).toBe(403);
  });
});

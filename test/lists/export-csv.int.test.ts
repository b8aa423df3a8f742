// The CSV export of the portal's lists: every matching row (past one page), the list's own
// filters, a BOM and a safe attachment name; another org's list is a 404 and a list the
// caller's role may not read a 403, as the procedure answers.
import { afterAll, describe, expect, it } from "vitest";
import { exportCsv } from "../../app/o/[slug]/export/[list]/export-csv";
import { evaluateOrg } from "../../server/domains/alerting";
import { getDb } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import { closeQueues } from "../../server/platform/jobs/queues";
import { createDeviceRows } from "../../testkit/factories/fleet-db";
import { addMember, callerFor, createOrgWithOwner } from "../../testkit/factories/identity";

afterAll(closeQueues);

const search = (s = "") => new URLSearchParams(s);

describe("CSV export", () => {
  it("streams every site the filters match, with a BOM and a safe file name", async () => {
    const { slug, owner } = await createOrgWithOwner();
    const caller = callerFor(owner);
    for (let i = 0; i < 12; i++)
      await caller.site.create({ orgSlug: slug, name: i === 3 ? "=cmd|' /C calc'!A0" : `s-${i}` });
    const res = await exportCsv(caller, slug, "sites", search("sort=name&order=desc"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(
      new RegExp(`^attachment; filename="${slug}-sites-\\d{4}-\\d{2}-\\d{2}\\.csv"$`),
    );
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder()
      .decode(bytes)
      .replace(/^\uFEFF/, "")
      .split("\r\n");
    expect(lines.pop()).toBe("");
    expect(lines[0]).toBe("id,name,description,devices,online,created");
    expect(lines).toHaveLength(13);
    expect(lines.some((l) => l.includes(",'=cmd|' /C calc'!A0,"))).toBe(true);

    const some = await exportCsv(caller, slug, "sites", search("q=s-1"));
    const text = await some.text();
    // s-1, s-10, s-11: the header and three rows.
    expect(text.trim().split("\r\n")).toHaveLength(4);
  });

  it("writes one line per audit entry the list counts", async () => {
    const { slug, owner } = await createOrgWithOwner();
    const caller = callerFor(owner);
    for (let i = 0; i < 3; i++) await caller.site.create({ orgSlug: slug, name: `a-${i}` });
    const all = await caller.audit.list({ orgSlug: slug, limit: 500 });
    const res = await exportCsv(caller, slug, "audit", search());
    const rows = (await res.text()).trim().split("\r\n").slice(1);
    expect(rows).toHaveLength(all.total as number);
  });

  it("answers 404 for another org's list and for an unknown list", async () => {
    const a = await createOrgWithOwner();
    const b = await createOrgWithOwner();
    const res = await exportCsv(callerFor(b.owner), a.slug, "sites", search());
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain(a.org.id);
    expect((await exportCsv(callerFor(a.owner), a.slug, "secrets", search())).status).toBe(404);
  });

  it("answers 403 for a list the role may not read, and 401 signed out", async () => {
    const { slug, owner } = await createOrgWithOwner();
    const viewer = await addMember(slug, owner, "viewer");
    expect((await exportCsv(callerFor(viewer), slug, "audit", search())).status).toBe(403);
    expect((await exportCsv(callerFor(viewer), slug, "sites", search())).status).toBe(200);
    expect((await exportCsv(callerFor(null), slug, "sites", search())).status).toBe(401);
  });

  it("answers 400 with the field for a filter the procedure refuses", async () => {
    const { slug, owner } = await createOrgWithOwner();
    const res = await exportCsv(callerFor(owner), slug, "devices", search("status=bogus"));
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("status");
  });

  it("exports the active incidents unless the status says otherwise, and path events apart", async () => {
    const { slug, owner, org } = await createOrgWithOwner();
    const caller = callerFor(owner);
    const site = await caller.site.create({ orgSlug: slug, name: "Quay" });
    const [deviceId] = await createDeviceRows(org.id, site.id, [{ hostname: "quay-gw" }]);
    // Ten minutes on, the device has been offline past its rule's 120 s: an incident.
    await evaluateOrg(getDb(), org.id, new Date(Date.now() + 600_000));
    const rows = async (list: string, s = "") =>
      (await (await exportCsv(caller, slug, list, search(s))).text()).trim().split("\r\n");
    const active = await rows("incidents");
    expect(active[0]).toMatch(/^number,severity,status,title,site,/);
    expect(active).toHaveLength(2);
    expect(active[1]).toContain("Quay: quay-gw offline");

    await withScope(getDb(), { orgId: org.id }, (tx) =>
      tx.device.update({ where: { id: deviceId, orgId: org.id }, data: { online: true } }),
    );
    await evaluateOrg(getDb(), org.id, new Date(Date.now() + 660_000));
    expect(await rows("incidents")).toHaveLength(1);
    expect(await rows("incidents", "status=resolved")).toHaveLength(2);
    expect(await rows("incidents", "status=all")).toHaveLength(2);
    expect((await rows("incidents", "status=active&severity=critical")).length).toBe(1);
    expect((await rows("path-events"))[0]).toMatch(/^when,kind,device,/);
  });
});

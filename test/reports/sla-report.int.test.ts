// SLA reports on real PostgreSQL from real rollups (lib.ts has the hand-made figures): the
// numbers per site, path and SLA class, incidents, the API's refusals, the CSV, Chromium's
// PDF in the org's brand, and the monthly mail sent once per org and month.
import { TRPCError } from "@trpc/server";
import { afterAll, describe, expect, it } from "vitest";
import { slaCsv } from "../../app/o/[slug]/reports/sla-csv";
import { printPdf } from "../../server/domains/reports";
import { sweepMonthlyReports } from "../../server/domains/reports/services/monthly-mail";
import { slaReport } from "../../server/domains/reports/services/sla-report";
import { getDb } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import { closeQueues } from "../../server/platform/jobs/queues";
import { addMember, callerFor, uid } from "../../testkit/factories/identity";
import { seriesOrg } from "../series/lib";
import { P1, P2, reportOrg } from "./lib";

afterAll(closeQueues);

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => "OK",
    (e: unknown) => (e instanceof TRPCError ? `${e.code}: ${e.message}` : String(e)),
  );

describe("the SLA report", () => {
  it("computes availability, percentiles, compliance and incident time from minutes", async () => {
    const o = await reportOrg();
    const r = await withScope(getDb(), { orgId: o.orgId }, (tx) =>
      slaReport(tx, o.orgId, { month: "2021-03" }, new Date("2021-04-02T00:00:00Z")),
    );
    expect(r.resolution).toBe("1m");
    expect(r.period).toEqual({
      from: new Date("2021-03-01T00:00:00Z"),
      to: new Date("2021-04-01T00:00:00Z"),
      month: "2021-03",
    });
    const [hq] = r.sites;
    // 120 minutes measured; in 15 (11:45-11:59) neither path was up.
    expect(hq).toMatchObject({
      name: "HQ",
      measuredMinutes: 120,
      availabilityPct: 87.5,
      downMinutes: 15,
    });
    expect(hq?.coveragePct).toBeCloseTo((120 / (31 * 1440)) * 100, 3);
    // Incidents 1 (60 min in March) and 2 (15), 3 inside 2; 4 is in April.
    expect(hq).toMatchObject({ incidents: 3, incidentMinutes: 75 });
    expect(r.incidents.map((i) => [i.number, i.minutesInPeriod])).toEqual([
      [1, 60],
      [2, 15],
      [3, 5],
    ]);
    const p1 = hq?.paths.find((p) => p.pathId === P1);
    const p2 = hq?.paths.find((p) => p.pathId === P2);
    expect(p1).toMatchObject({
      minutes: 120,
      upPct: 75,
      latencyMs: { p50: 20, p95: 200, p99: 200 },
    });
    expect(p2).toMatchObject({
      minutes: 120,
      upPct: 87.5,
      latencyMs: { p50: 50, p95: 50, p99: 50 },
    });
    expect(p2?.lossPct).toEqual({ p50: 1, p95: 1, p99: 1 });
    // Voice: 120 placed minutes; within target 60 (P1 at 20 ms) + 15 (P2) = 75; 30 minutes
    // at 200 ms and 15 on no path are not. Latency over the 105 measured: 60×20, 15×50, 30×200.
    const voice = hq?.classes.find((c) => c.name === "voice");
    expect(voice).toMatchObject({
      minutes: 120,
      compliancePct: 62.5,
      latencyMs: { p50: 20, p95: 200, p99: 200 },
      jitterMs: { p50: 2, p95: 5, p99: 5 },
      jitterOkPct: 100,
    });
    expect(voice?.latencyOkPct).toBeCloseTo((75 / 105) * 100, 3);
    expect(r.classes.map((c) => [c.name, c.compliancePct])).toEqual([
      ["bulk", null],
      ["voice", 62.5],
    ]);
    expect(r.summary).toEqual({
      availabilityPct: 87.5,
      compliancePct: 62.5,
      sites: 1,
      incidents: 3,
      incidentMinutes: 75,
    });
  });

  it("answers through the API from hours when minutes are no longer kept; tenants are apart", async () => {
    const o = await reportOrg();
    const other = await seriesOrg("Elsewhere");
    const r = await o.caller.report.sla({ orgSlug: o.slug, month: "2021-03", siteId: o.siteId });
    expect(r.resolution).toBe("1h");
    // Hours: 10:00 best path fully up, 11:00 the best (P2) up 45 of 60 minutes.
    expect(r.sites[0]).toMatchObject({ measuredMinutes: 120, availabilityPct: 87.5 });
    // A viewer reads it; another org's site, or another org's slug, is NOT_FOUND.
    const viewer = await addMember(o.slug, o.owner, "viewer");
    expect(await codeOf(callerFor(viewer).report.sla({ orgSlug: o.slug, month: "2021-03" }))).toBe(
      "OK",
    );
    expect(
      await codeOf(
        o.caller.report.sla({ orgSlug: o.slug, month: "2021-03", siteId: other.siteId }),
      ),
    ).toMatch(/^NOT_FOUND/);
    expect(await codeOf(other.caller.report.sla({ orgSlug: o.slug, month: "2021-03" }))).toMatch(
      /^NOT_FOUND/,
    );
    expect(
      await codeOf(other.caller.report.document({ orgSlug: o.slug, month: "2021-03" })),
    ).toMatch(/^NOT_FOUND/);
    expect(await codeOf(other.caller.report.schedule({ orgSlug: o.slug }))).toMatch(/^NOT_FOUND/);
  });

  it("refuses bad periods with a 400 that says why", async () => {
    const o = await seriesOrg();
    const ask = (q: Record<string, string>) =>
      codeOf(o.caller.report.sla({ orgSlug: o.slug, ...q } as never));
    expect(await ask({ month: "2026-13" })).toBe(
      "BAD_REQUEST: month must be YYYY-MM with a month from 01 to 12",
    );
    expect(await ask({ month: "march" })).toMatch(/^BAD_REQUEST: month must be YYYY-MM/);
    expect(await ask({ from: "2021-03-10T00:00:00Z", to: "2021-03-01T00:00:00Z" })).toBe(
      "BAD_REQUEST: to must be after from",
    );
    expect(await ask({ from: "2021-01-01T00:00:00Z", to: "2021-06-01T00:00:00Z" })).toBe(
      "BAD_REQUEST: a report covers at most 93 days",
    );
    expect(await ask({ month: "2021-03", from: "2021-03-01T00:00:00Z" })).toBe(
      "BAD_REQUEST: give either month or from/to, not both",
    );
    expect(await ask({})).toBe("BAD_REQUEST: give a month (YYYY-MM) or both from and to");
    expect(await ask({ month: "2999-01" })).toBe("BAD_REQUEST: the period has not started yet");
    expect(await ask({ from: "yesterday", to: "2021-03-01T00:00:00Z" })).toMatch(/^BAD_REQUEST/);
  });

  it("writes the CSV", async () => {
    const o = await reportOrg();
    const csv = slaCsv(await o.caller.report.sla({ orgSlug: o.slug, month: "2021-03" }));
    const rows = csv
      .replace(/^\uFEFF/, "")
      .trimEnd()
      .split("\r\n")
      .map((l) => l.split(","));
    const [head, ...body] = rows;
    const col = (name: string) => head!.indexOf(name);
    const row = (section: string, name: string) =>
      body.find((r) => r[0] === section && r[col("name")] === name)!;
    expect(head?.slice(0, 4)).toEqual(["section", "site", "name", "availability_pct"]);
    expect(row("site", "HQ")[col("availability_pct")]).toBe("87.5");
    expect(row("site", "HQ")[col("incident_minutes")]).toBe("75");
    // From hours (minutes of 2021 are past their retention): P1's hours average 20 and 200 ms.
    expect(row("path", P1)[col("latency_p95_ms")]).toBe("191");
    expect(row("class", "voice")[col("target_latency_ms")]).toBe("150");
    expect(body.filter((r) => r[0] === "incident")).toHaveLength(3);
  });

  it("prints a PDF with Chromium in the org's brand", async () => {
    const o = await reportOrg();
    await withScope(getDb(), { orgId: o.orgId }, (tx) =>
      tx.brand.create({
        data: { orgId: o.orgId, productName: "Nimbus WAN", primaryColor: "#7c2d12" },
      }),
    );
    const { html } = await o.caller.report.document({ orgSlug: o.slug, month: "2021-03" });
    expect(html).toContain("Nimbus WAN SLA report");
    expect(html).toContain("#7c2d12");
    const pdf = Buffer.from(await printPdf(html));
    expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(pdf.length).toBeGreaterThan(5_000);
    // Chromium writes the page's <title> into the document's Info (as UTF-16BE hex).
    const title = Buffer.from(`\uFEFFNimbus WAN`, "utf16le").swap16().toString("hex");
    const raw = pdf.toString("latin1");
    expect(raw.includes("Nimbus WAN") || raw.toUpperCase().includes(title.toUpperCase())).toBe(
      true,
    );
  });

  it("mails last month's report once per org and month, in the brand", async () => {
    const o = await reportOrg();
    const to = [`a-${uid()}@example.test`, `b-${uid()}@example.test`];
    await o.caller.report.setSchedule({ orgSlug: o.slug, enabled: true, recipients: to });
    await withScope(getDb(), { orgId: o.orgId }, async (tx) => {
      // Turned on before March ended (setSchedule stamps now).
      await tx.reportSchedule.updateMany({
        where: { orgId: o.orgId },
        data: { enabledSince: new Date("2021-03-15T00:00:00Z") },
      });
      await tx.brand.create({ data: { orgId: o.orgId, productName: "Nimbus WAN" } });
    });
    const now = new Date("2021-04-01T00:30:00Z");
    expect(await sweepMonthlyReports(getDb(), now)).toBeGreaterThanOrEqual(1);
    await sweepMonthlyReports(getDb(), now);
    const mails = await getDb().mailOutbox.findMany({ where: { to: { in: to } } });
    expect(mails.map((m) => m.to).sort()).toEqual([...to].sort());
    for (const m of mails) {
      expect(m).toMatchObject({ kind: "sla-report", fromName: "Nimbus WAN" });
      expect(m.subject).toBe(`Nimbus WAN SLA report: Org ${o.slug}, March 2021`);
      expect(m.text).toContain("Availability: 87.50 %");
      expect(m.text).toContain(`/o/${o.slug}/reports?month=2021-03`);
    }
    const schedule = await o.caller.report.schedule({ orgSlug: o.slug });
    expect(schedule).toMatchObject({
      enabled: true,
      recipients: to,
      lastSent: { month: "2021-03", recipients: 2 },
    });
    // A schedule turned on after the month ended does not send it.
    const late = await reportOrg();
    await late.caller.report.setSchedule({ orgSlug: late.slug, enabled: true, recipients: to });
    await sweepMonthlyReports(getDb(), now);
    expect(await late.caller.report.schedule({ orgSlug: late.slug })).toMatchObject({
      lastSent: null,
    });
    // Recipients are checked: a bad address is a 400; a viewer may not change them.
    expect(
      await codeOf(
        o.caller.report.setSchedule({ orgSlug: o.slug, enabled: true, recipients: ["nope"] }),
      ),
    ).toMatch(/^BAD_REQUEST/);
    const viewer = await addMember(o.slug, o.owner, "viewer");
    expect(
      await codeOf(
        callerFor(viewer).report.setSchedule({ orgSlug: o.slug, enabled: false, recipients: [] }),
      ),
    ).toMatch(/^FORBIDDEN/);
  });
});

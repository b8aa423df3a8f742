"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { NumTd, TableWrap, Td, Th } from "@/app/_components/status-ui";
import { Alert, Card, Field, Select } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";

const fmt = (x: number | null | undefined, unit = "") =>
  x == null ? "—" : `${Number(x.toFixed(2))}${unit}`;

/** One month's report of the org (or a site): the summary, per site and per SLA class. */
export function ReportView({ orgSlug, initialMonth }: { orgSlug: string; initialMonth: string }) {
  const trpc = useTRPC();
  const [month, setMonth] = useState(initialMonth);
  const [siteId, setSiteId] = useState("");
  const report = useQuery(
    trpc.report.sla.queryOptions(
      { orgSlug, month, ...(siteId ? { siteId } : {}) },
      { placeholderData: keepPreviousData, retry: false },
    ),
  );
  // The site choices come from the whole org's report (a site's report lists one).
  const all = useQuery(trpc.report.sla.queryOptions({ orgSlug, month }, { retry: false }));
  const query = new URLSearchParams({ month, ...(siteId ? { siteId } : {}) }).toString();
  const r = report.data;
  return (
    <Card className="space-y-4">
      <div className="flex flex-wrap items-end gap-4">
        <div className="w-44">
          <Field
            id="report-month"
            label="Month (UTC)"
            type="month"
            value={month}
            onChange={(e) => e.target.value && setMonth(e.target.value)}
          />
        </div>
        <div className="w-56">
          <Select
            id="report-site"
            label="Site"
            value={siteId}
            onChange={(e) => setSiteId(e.target.value)}
          >
            <option value="">All sites</option>
            {all.data?.sites.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </Select>
        </div>
        <a href={`/o/${orgSlug}/reports/sla.csv?${query}`} download className="text-sm underline">
          Download CSV
        </a>
        <a href={`/o/${orgSlug}/reports/sla.pdf?${query}`} download className="text-sm underline">
          Download PDF
        </a>
      </div>
      {report.error && <Alert>{report.error.message}</Alert>}
      {r && (
        <>
          <dl className="grid grid-cols-2 gap-3 sm:grid-cols-5" data-testid="report-summary">
            {[
              ["Availability", fmt(r.summary.availabilityPct, " %")],
              ["Within SLA", fmt(r.summary.compliancePct, " %")],
              ["Sites", String(r.summary.sites)],
              ["Incidents", String(r.summary.incidents)],
              ["Incident time", `${fmt(r.summary.incidentMinutes)} min`],
            ].map(([label, value]) => (
              <div key={label} className="rounded-md border border-line px-3 py-2">
                <dt className="text-xs text-fg-muted">{label}</dt>
                <dd className="text-lg font-semibold">{value}</dd>
              </div>
            ))}
          </dl>
          <TableWrap label="Sites">
            <table className="w-full text-left text-sm">
              <caption className="text-left font-semibold">Sites</caption>
              <thead>
                <tr>
                  <Th>Site</Th>
                  <Th className="text-right">Availability</Th>
                  <Th className="text-right">Measured</Th>
                  <Th className="text-right">Down (min)</Th>
                  <Th className="text-right">Incidents</Th>
                  <Th className="text-right">Incident time (min)</Th>
                </tr>
              </thead>
              <tbody>
                {r.sites.map((s) => (
                  <tr key={s.id} data-testid="report-site-row">
                    <Td>{s.name}</Td>
                    <NumTd>{fmt(s.availabilityPct, " %")}</NumTd>
                    <NumTd>{fmt(s.coveragePct, " %")}</NumTd>
                    <NumTd>{fmt(s.downMinutes)}</NumTd>
                    <NumTd>{s.incidents}</NumTd>
                    <NumTd>{fmt(s.incidentMinutes)}</NumTd>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          <TableWrap label="SLA classes">
            <table className="w-full text-left text-sm">
              <caption className="text-left font-semibold">SLA classes</caption>
              <thead>
                <tr>
                  <Th>Class</Th>
                  <Th>Targets</Th>
                  <Th className="text-right">Within target</Th>
                  <Th className="text-right">Latency p50 / p95 / p99 (ms)</Th>
                  <Th className="text-right">Jitter p95 (ms)</Th>
                  <Th className="text-right">Loss p95 (%)</Th>
                </tr>
              </thead>
              <tbody>
                {r.classes.map((c) => (
                  <tr key={c.slaClassId}>
                    <Td>{c.name}</Td>
                    <Td>
                      {c.maxLatencyMs} ms, {c.maxJitterMs} ms, {c.maxLossPct} %
                    </Td>
                    <NumTd>{fmt(c.compliancePct, " %")}</NumTd>
                    <NumTd>
                      {fmt(c.latencyMs.p50)} / {fmt(c.latencyMs.p95)} / {fmt(c.latencyMs.p99)}
                    </NumTd>
                    <NumTd>{fmt(c.jitterMs.p95)}</NumTd>
                    <NumTd>{fmt(c.lossPct.p95)}</NumTd>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          <p className="text-xs text-fg-muted">
            From {r.resolution === "1m" ? "per-minute" : "hourly"} figures. Availability is the
            share of measured time with at least one path up; "within target" the share of the
            class's placed minutes that met every target.
          </p>
        </>
      )}
    </Card>
  );
}

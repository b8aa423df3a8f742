"use client";

import { useEffect, useState } from "react";
import type { EmbedOverview } from "@/server/api/embed";

const REFRESH_MS = 15_000;

type Overview = Omit<EmbedOverview, "updatedAt"> & { updatedAt: string | Date };

/** The embedded dashboard, refreshed from /api/embed/<token> (token-authenticated, no cookie). */
export function LiveOverview({ token, initial }: { token: string; initial: Overview }) {
  const [data, setData] = useState<Overview>(initial);
  const [gone, setGone] = useState(false);
  useEffect(() => {
    const timer = setInterval(async () => {
      const res = await fetch(`/api/embed/${token}`, {
        credentials: "omit",
        cache: "no-store",
      }).catch(() => null);
      if (res?.status === 404) setGone(true);
      else if (res?.ok) setData((await res.json()) as Overview);
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [token]);
  if (gone)
    return (
      <main className="p-6">
        <p role="alert">This dashboard link is no longer valid.</p>
      </main>
    );
  const tiles = [
    { label: "Sites up", value: data.sites.up },
    { label: "Sites down", value: data.sites.down },
    { label: "Sites without a device", value: data.sites.empty },
    { label: "Devices online", value: data.devices.online },
    { label: "Devices offline", value: data.devices.offline },
  ];
  return (
    <main className="p-4">
      <h1 className="mb-3 text-lg font-semibold">{data.orgName}: network status</h1>
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-5" data-testid="embed-tiles">
        {tiles.map((t) => (
          <div key={t.label} className="rounded-md border border-slate-200 bg-white p-3">
            <dt className="text-xs text-slate-600">{t.label}</dt>
            <dd className="text-2xl font-semibold text-slate-900">{t.value}</dd>
          </div>
        ))}
      </dl>
      <p className="mt-2 text-xs text-slate-600">
        {data.sites.total} site(s). Updated {new Date(data.updatedAt).toLocaleTimeString()}.
      </p>
    </main>
  );
}

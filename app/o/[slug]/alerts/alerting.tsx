"use client";

import { useQuery } from "@tanstack/react-query";
import { Card } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { PAGE_MAX } from "@/server/api/shared";
import { Channels } from "./channels";
import { Rules } from "./rules";
import { Windows } from "./windows";

/** Rules, channels and maintenance windows, one section each (the sites are shared). */
export function Alerting({ orgSlug, canWrite }: { orgSlug: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const sites = useQuery(trpc.site.list.queryOptions({ orgSlug, limit: PAGE_MAX }));
  const siteList = sites.data?.items.map((s) => ({ id: s.id, name: s.name })) ?? [];
  return (
    <div className="space-y-8">
      {/* Anchors of the page's section links; each card names its own region. */}
      <div id="rules">
        <Rules orgSlug={orgSlug} sites={siteList} canWrite={canWrite} />
      </div>
      <section id="channels" aria-labelledby="channels-heading" className="space-y-3">
        <Card>
          <h2 id="channels-heading" className="font-semibold">
            Notification channels
          </h2>
          <p className="mt-1 text-sm text-slate-700">
            Every change of an incident (opened, escalated, acknowledged, resolved) at or above a
            channel's minimum severity is sent there, retried when the receiver fails.
          </p>
        </Card>
        <Channels orgSlug={orgSlug} canWrite={canWrite} />
      </section>
      <div id="windows">
        <Windows orgSlug={orgSlug} sites={siteList} canWrite={canWrite} />
      </div>
    </div>
  );
}

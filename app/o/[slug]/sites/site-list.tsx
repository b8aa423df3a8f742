"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Link } from "@/app/_components/link";
import { ListView } from "@/app/_components/list/list-view";
import type { RouterInputs } from "@/app/_components/list/router-inputs";
import { useList } from "@/app/_components/list/use-list";
import { OnlineDot, Td } from "@/app/_components/status-ui";
import { useTRPC } from "@/app/_trpc/client";
import { LIST_SPECS } from "../list-specs";

export function SiteList({ orgSlug }: { orgSlug: string }) {
  const trpc = useTRPC();
  const list = useList<RouterInputs["site"]["list"]>(LIST_SPECS.sites);
  const sites = useQuery(
    trpc.site.list.queryOptions(
      { orgSlug, ...list.input },
      { refetchInterval: 5_000, placeholderData: keepPreviousData },
    ),
  );
  return (
    <ListView
      list={list}
      title="Your sites"
      label="Sites"
      noun={{ one: "site", many: "sites" }}
      searchLabel="Search sites"
      exportPath={`/o/${orgSlug}/export/sites`}
      data={sites.data}
      stale={sites.isPlaceholderData}
      error={sites.error}
      empty="No sites yet. Create one, then enroll its box."
      columns={[
        { label: "Name", width: "45%", sort: "name" },
        { label: "Devices online", width: "20%" },
        { label: "Interfaces", className: "hidden sm:table-cell", width: "35%" },
      ]}
      rowData={(s) => ({ "data-testid": "site-row", "data-site-id": s.id })}
      cells={(s) => (
        <>
          <Td>
            <Link
              href={`/o/${orgSlug}/sites/${s.id}`}
              className="font-medium text-brand-700 underline"
            >
              {s.name}
            </Link>
            {s.description && <p className="text-xs text-slate-600">{s.description}</p>}
          </Td>
          <Td>
            <OnlineDot online={s.online > 0}>
              <span data-testid="site-devices">
                {s.online}/{s.devices}
              </span>
              <span className="sr-only"> devices online</span>
            </OnlineDot>
          </Td>
          <Td className="hidden font-mono text-xs sm:table-cell">
            WAN {s.settings.wan} · LAN {s.settings.lan}
            {s.settings.wanAddress && ` · ${s.settings.wanAddress}`}
          </Td>
        </>
      )}
    />
  );
}

"use client";

import { useQuery } from "@tanstack/react-query";
import { CrudSection } from "@/app/_components/crud-section";
import { Badge, Td } from "@/app/_components/status-ui";
import { useTRPC } from "@/app/_trpc/client";
import { PAGE_MAX } from "@/server/api/shared";
import { useOverlayRefresh } from "../../_overlay/use-refresh";
import type { SiteSectionProps } from "./site-section";
import { LINK_KINDS, WanLinkForm } from "./wan-link-form";

const kindLabel = (k: string) => LINK_KINDS.find((x) => x.value === k)?.label ?? k;

/** The site's underlays: the overlay builds a tunnel over every usable link pair. */
export function WanLinks({ orgSlug, siteId, canWrite }: SiteSectionProps) {
  const trpc = useTRPC();
  const refresh = useOverlayRefresh();
  const links = useQuery(
    trpc.overlay.links.list.queryOptions({ orgSlug, siteId, limit: PAGE_MAX }),
  );
  return (
    <CrudSection
      title="WAN links"
      description="Each link pair between two sites becomes an encrypted tunnel (a path), when at least one side has a public address."
      what={(l) => `link ${l.name}`}
      query={{ data: links.data?.items, error: links.error }}
      empty="No WAN links yet."
      headers={[
        "Name",
        "Kind",
        "Interface / gateway",
        "Public address",
        "Cost",
        "Up / down",
        "State",
      ]}
      cells={(l) => (
        <>
          <Td className="font-medium">{l.name}</Td>
          <Td>{kindLabel(l.kind)}</Td>
          <Td className="font-mono text-xs whitespace-nowrap">
            {l.interface}
            {l.gateway && ` via ${l.gateway}`}
          </Td>
          <Td className="font-mono text-xs">
            {l.publicAddress ?? <span className="font-sans text-slate-600">dials out</span>}
          </Td>
          <Td>{l.cost}</Td>
          <Td className="whitespace-nowrap">
            {l.upMbps} / {l.downMbps} Mbps
          </Td>
          <Td>
            <div className="flex flex-wrap gap-1">
              <Badge tone={l.enabled ? "green" : "slate"}>
                {l.enabled ? "enabled" : "disabled"}
              </Badge>
              {l.metered && <Badge tone="amber">metered</Badge>}
            </div>
          </Td>
        </>
      )}
      rowData={(l) => ({
        "data-testid": "wan-link-row",
        "data-link-id": l.id,
        "data-enabled": String(l.enabled),
      })}
      canWrite={canWrite}
      remove={trpc.overlay.links.delete.mutationOptions({ onSettled: refresh })}
      removeInput={(l) => ({ orgSlug, linkId: l.id })}
      deleteText={(l) => `Every tunnel over ${l.name} goes down once the change rolls out.`}
      addTitle="Add a link"
      form={(link, close) => (
        <WanLinkForm orgSlug={orgSlug} siteId={siteId} link={link} onDone={close} />
      )}
    />
  );
}

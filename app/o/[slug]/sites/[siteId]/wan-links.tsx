"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { Badge, Td } from "@/app/_components/status-ui";
import { useTRPC } from "@/app/_trpc/client";
import { CrudSection } from "../../_overlay/crud-section";
import { useOverlayRefresh } from "../../_overlay/use-refresh";
import { LINK_KINDS, type WanLink, WanLinkForm } from "./wan-link-form";

const kindLabel = (k: string) => LINK_KINDS.find((x) => x.value === k)?.label ?? k;

/** The site's underlays: the overlay builds a tunnel over every usable link pair. */
export function WanLinks({
  orgSlug,
  siteId,
  canWrite,
}: {
  orgSlug: string;
  siteId: string;
  canWrite: boolean;
}) {
  const trpc = useTRPC();
  const refresh = useOverlayRefresh();
  const links = useQuery(trpc.overlay.links.list.queryOptions({ orgSlug, siteId }));
  const remove = useMutation(trpc.overlay.links.delete.mutationOptions({ onSettled: refresh }));
  return (
    <CrudSection<WanLink>
      title="WAN links"
      description="Each link pair between two sites becomes an encrypted tunnel (a path), when at least one side has a public address."
      noun="link"
      rows={links.data}
      error={links.error ?? remove.error}
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
      deleting={remove.isPending}
      onDelete={(l) => remove.mutate({ orgSlug, linkId: l.id })}
      deleteText={(l) => `Every tunnel over ${l.name} goes down once the change rolls out.`}
      addTitle="Add a link"
      form={(link, close) => (
        <WanLinkForm orgSlug={orgSlug} siteId={siteId} link={link} onDone={close} />
      )}
    />
  );
}

"use client";

import { useQuery } from "@tanstack/react-query";
import { CrudSection } from "@/app/_components/crud-section";
import { Td } from "@/app/_components/status-ui";
import { useIntentRefresh } from "@/app/_components/use-intent-refresh";
import { useTRPC } from "@/app/_trpc/client";
import { PAGE_MAX } from "@/server/api/shared";
import { PortForwardForm } from "./port-forward-form";
import type { SiteSectionProps } from "./site-section";

/** Destination NAT on the site's WAN address. */
export function PortForwards({
  orgSlug,
  siteId,
  canWrite,
  wanAddress,
}: SiteSectionProps & { wanAddress?: string }) {
  const trpc = useTRPC();
  const forwards = useQuery(
    trpc.site.portForwards.queryOptions({ orgSlug, siteId, limit: PAGE_MAX }),
  );
  const refresh = useIntentRefresh((t) => [t.site.portForwards.queryKey()]);
  const listens = (f: { proto: string; port: number }) => `${f.proto}/${f.port}`;
  return (
    <CrudSection
      title="Port forwards"
      what={(f) => `port forward ${listens(f)}`}
      query={{ data: forwards.data?.items, error: forwards.error }}
      empty="No port forwards."
      headers={["Listens on", "Forwards to", "Description"]}
      cells={(f) => (
        <>
          <Td className="font-mono text-xs">{listens(f)}</Td>
          <Td className="font-mono text-xs">
            {f.toAddr}:{f.toPort}
          </Td>
          <Td>{f.description}</Td>
        </>
      )}
      rowData={(f) => ({ "data-testid": "port-forward-row", "data-port-forward-id": f.id })}
      canWrite={canWrite}
      remove={trpc.site.deletePortForward.mutationOptions({ onSettled: refresh })}
      removeInput={(f) => ({ orgSlug, portForwardId: f.id })}
      deleteTitle={(f) => `Delete the forward of ${listens(f)}?`}
      deleteText={(f) =>
        `Connections to ${listens(f)} stop reaching ${f.toAddr}:${f.toPort} once the change rolls out.`
      }
      addTitle="Add a port forward"
      form={() => <PortForwardForm orgSlug={orgSlug} siteId={siteId} wanAddress={wanAddress} />}
      editable={false}
    />
  );
}

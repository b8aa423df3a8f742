"use client";

import { useQuery } from "@tanstack/react-query";
import { CrudSection } from "@/app/_components/crud-section";
import { Td } from "@/app/_components/status-ui";
import { useIntentRefresh } from "@/app/_components/use-intent-refresh";
import { useTRPC } from "@/app/_trpc/client";
import { PAGE_MAX } from "@/server/api/shared";
import { BackendsEditor } from "./backends-editor";
import { ServiceForm } from "./service-form";
import type { SiteSectionProps } from "./site-section";

/** Load-balanced services: a virtual address spread over backends (Maglev on the box). */
export function Services({ orgSlug, siteId, canWrite }: SiteSectionProps) {
  const trpc = useTRPC();
  const services = useQuery(trpc.site.services.queryOptions({ orgSlug, siteId, limit: PAGE_MAX }));
  const refresh = useIntentRefresh((t) => [t.site.services.queryKey()]);
  return (
    <CrudSection
      title="Load-balanced services"
      what={(s) => `service ${s.name}`}
      query={{ data: services.data?.items, error: services.error }}
      empty="No services."
      headers={["Name", "Virtual address", "Backends"]}
      cells={(s) => (
        <>
          <Td className="font-medium">{s.name}</Td>
          <Td className="font-mono text-xs whitespace-nowrap">
            {s.vip}:{s.port}/{s.proto}
          </Td>
          <Td className="font-mono text-xs">
            {canWrite ? (
              <BackendsEditor orgSlug={orgSlug} service={s} />
            ) : (
              s.backends.map((b) => <div key={`${b.addr}:${b.port}`}>{`${b.addr}:${b.port}`}</div>)
            )}
          </Td>
        </>
      )}
      rowData={(s) => ({ "data-testid": "service-row", "data-service-id": s.id })}
      canWrite={canWrite}
      remove={trpc.site.deleteService.mutationOptions({ onSettled: refresh })}
      removeInput={(s) => ({ orgSlug, serviceId: s.id })}
      deleteTitle={(s) => `Delete ${s.name}?`}
      deleteText={(s) => `${s.vip}:${s.port} stops being balanced once the change rolls out.`}
      addTitle="Add a service"
      form={() => <ServiceForm orgSlug={orgSlug} siteId={siteId} />}
      editable={false}
    />
  );
}

"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ConfirmButton } from "@/app/_components/confirm-button";
import { TableWrap, Td, Th } from "@/app/_components/status-ui";
import { Alert, Card } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { BackendsEditor } from "./backends-editor";
import { ServiceForm } from "./service-form";

/** Load-balanced services: a virtual address spread over backends (Maglev on the box). */
export function Services({
  orgSlug,
  siteId,
  canWrite,
}: {
  orgSlug: string;
  siteId: string;
  canWrite: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const services = useQuery(trpc.site.services.queryOptions({ orgSlug, siteId }));
  const remove = useMutation(
    trpc.site.deleteService.mutationOptions({
      onSettled: () => {
        queryClient.invalidateQueries({ queryKey: trpc.site.services.queryKey() });
        queryClient.invalidateQueries({ queryKey: trpc.rollout.pathKey() });
      },
    }),
  );
  return (
    <Card>
      <h2 className="mb-3 font-semibold">Load-balanced services</h2>
      {remove.error && <Alert>{remove.error.message}</Alert>}
      {services.data?.length === 0 && <p className="text-sm text-slate-600">No services.</p>}
      {!!services.data?.length && (
        <TableWrap label="Load-balanced services">
          <table className="w-full text-left text-sm">
            <thead>
              <tr className="border-b border-slate-200 text-slate-600">
                <Th>Name</Th>
                <Th>Virtual address</Th>
                <Th>Backends</Th>
                {canWrite && (
                  <Th>
                    <span className="sr-only">Actions</span>
                  </Th>
                )}
              </tr>
            </thead>
            <tbody>
              {services.data.map((s) => (
                <tr
                  key={s.id}
                  className="border-b border-slate-100"
                  data-testid="service-row"
                  data-service-id={s.id}
                >
                  <Td className="font-medium">{s.name}</Td>
                  <Td className="font-mono text-xs whitespace-nowrap">
                    {s.vip}:{s.port}/{s.proto}
                  </Td>
                  <Td className="font-mono text-xs">
                    {canWrite ? (
                      <BackendsEditor orgSlug={orgSlug} service={s} />
                    ) : (
                      s.backends.map((b) => (
                        <div key={`${b.addr}:${b.port}`}>{`${b.addr}:${b.port}`}</div>
                      ))
                    )}
                  </Td>
                  {canWrite && (
                    <Td className="text-right">
                      <ConfirmButton
                        label="Delete"
                        ariaLabel={`Delete service ${s.name}`}
                        title={`Delete ${s.name}?`}
                        disabled={remove.isPending}
                        onConfirm={() => remove.mutate({ orgSlug, serviceId: s.id })}
                      >
                        {s.vip}:{s.port} stops being balanced once the change rolls out.
                      </ConfirmButton>
                    </Td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {canWrite && <ServiceForm orgSlug={orgSlug} siteId={siteId} />}
    </Card>
  );
}

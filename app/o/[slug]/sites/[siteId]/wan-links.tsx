"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ConfirmButton } from "@/app/_components/confirm-button";
import { Badge, TableWrap, Td, Th } from "@/app/_components/status-ui";
import { Alert, Button, Card } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { EditDialog } from "../../_overlay/edit-dialog";
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
  const queryClient = useQueryClient();
  const links = useQuery(trpc.overlay.links.list.queryOptions({ orgSlug, siteId }));
  const [editing, setEditing] = useState<WanLink | null>(null);
  const remove = useMutation(
    trpc.overlay.links.delete.mutationOptions({
      onSettled: () => {
        queryClient.invalidateQueries({ queryKey: trpc.overlay.pathKey() });
        queryClient.invalidateQueries({ queryKey: trpc.rollout.pathKey() });
      },
    }),
  );
  return (
    <Card>
      <h2 className="mb-1 font-semibold">WAN links</h2>
      <p className="mb-3 text-sm text-slate-700">
        Each link pair between two sites becomes an encrypted tunnel (a path), when at least one
        side has a public address.
      </p>
      {(links.error ?? remove.error) && <Alert>{(links.error ?? remove.error)?.message}</Alert>}
      {links.isPending && <p className="text-sm text-slate-600">Loading…</p>}
      {links.data?.length === 0 && <p className="text-sm text-slate-600">No WAN links yet.</p>}
      {!!links.data?.length && (
        <TableWrap label="WAN links">
          <table className="w-full text-left text-sm">
            <thead>
              <tr className="border-b border-slate-200 text-slate-600">
                <Th>Name</Th>
                <Th>Kind</Th>
                <Th>Interface / gateway</Th>
                <Th>Public address</Th>
                <Th>Cost</Th>
                <Th>Up / down</Th>
                <Th>State</Th>
                {canWrite && (
                  <Th>
                    <span className="sr-only">Actions</span>
                  </Th>
                )}
              </tr>
            </thead>
            <tbody>
              {links.data.map((l) => (
                <tr
                  key={l.id}
                  className="border-b border-slate-100"
                  data-testid="wan-link-row"
                  data-link-id={l.id}
                  data-enabled={String(l.enabled)}
                >
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
                  {canWrite && (
                    <Td className="text-right">
                      <div className="flex justify-end gap-2">
                        <Button
                          variant="secondary"
                          aria-label={`Edit link ${l.name}`}
                          onClick={() => setEditing(l)}
                        >
                          Edit
                        </Button>
                        <ConfirmButton
                          label="Delete"
                          ariaLabel={`Delete link ${l.name}`}
                          title={`Delete link ${l.name}?`}
                          disabled={remove.isPending}
                          onConfirm={() => remove.mutate({ orgSlug, linkId: l.id })}
                        >
                          Every tunnel over {l.name} goes down once the change rolls out.
                        </ConfirmButton>
                      </div>
                    </Td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {canWrite && (
        <div className="mt-4 border-t border-slate-100 pt-4">
          <h3 className="mb-3 text-sm font-semibold">Add a link</h3>
          <WanLinkForm orgSlug={orgSlug} siteId={siteId} />
        </div>
      )}
      {editing && (
        <EditDialog title={`Edit link ${editing.name}`} onClose={() => setEditing(null)}>
          {(close) => (
            <WanLinkForm
              orgSlug={orgSlug}
              siteId={siteId}
              link={editing}
              onDone={close}
              onCancel={close}
            />
          )}
        </EditDialog>
      )}
    </Card>
  );
}

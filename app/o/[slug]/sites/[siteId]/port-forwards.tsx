"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ConfirmButton } from "@/app/_components/confirm-button";
import { formErrorsFor } from "@/app/_components/form-errors-for";
import { TableWrap, Td, Th } from "@/app/_components/status-ui";
import { Alert, Button, Card, Field, Select } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";

const FIELDS = ["port", "toAddr", "toPort", "description"] as const;

interface Props {
  orgSlug: string;
  siteId: string;
  canWrite: boolean;
  wanAddress?: string;
}

/** Destination NAT on the site's WAN address. */
export function PortForwards({ orgSlug, siteId, canWrite, wanAddress }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const forwards = useQuery(trpc.site.portForwards.queryOptions({ orgSlug, siteId }));
  const refresh = () => {
    queryClient.invalidateQueries({ queryKey: trpc.site.portForwards.queryKey() });
    queryClient.invalidateQueries({ queryKey: trpc.rollout.pathKey() });
  };
  const create = useMutation(trpc.site.createPortForward.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.site.deletePortForward.mutationOptions({ onSettled: refresh }));
  const { message, fields } = formErrorsFor(create.error, FIELDS);
  return (
    <Card>
      <h2 className="mb-3 font-semibold">Port forwards</h2>
      {remove.error && <Alert>{remove.error.message}</Alert>}
      {forwards.data?.length === 0 && <p className="text-sm text-slate-600">No port forwards.</p>}
      {!!forwards.data?.length && (
        <TableWrap label="Port forwards">
          <table className="w-full text-left text-sm">
            <thead>
              <tr className="border-b border-slate-200 text-slate-600">
                <Th>Listens on</Th>
                <Th>Forwards to</Th>
                <Th>Description</Th>
                {canWrite && (
                  <Th>
                    <span className="sr-only">Actions</span>
                  </Th>
                )}
              </tr>
            </thead>
            <tbody>
              {forwards.data.map((f) => (
                <tr
                  key={f.id}
                  className="border-b border-slate-100"
                  data-testid="port-forward-row"
                  data-port-forward-id={f.id}
                >
                  <Td className="font-mono text-xs">
                    {f.proto}/{f.port}
                  </Td>
                  <Td className="font-mono text-xs">
                    {f.toAddr}:{f.toPort}
                  </Td>
                  <Td>{f.description}</Td>
                  {canWrite && (
                    <Td className="text-right">
                      <ConfirmButton
                        label="Delete"
                        ariaLabel={`Delete port forward ${f.proto}/${f.port}`}
                        title={`Delete the forward of ${f.proto}/${f.port}?`}
                        disabled={remove.isPending}
                        onConfirm={() => remove.mutate({ orgSlug, portForwardId: f.id })}
                      >
                        Connections to {f.proto}/{f.port} stop reaching {f.toAddr}:{f.toPort} once
                        the change rolls out.
                      </ConfirmButton>
                    </Td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {canWrite && (
        <form
          className="mt-4 space-y-3 border-t border-slate-100 pt-4"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            const formEl = e.currentTarget;
            const form = new FormData(formEl);
            const text = (k: string) => String(form.get(k) ?? "").trim();
            create.mutate(
              {
                orgSlug,
                siteId,
                proto: text("pf-proto") as "tcp" | "udp",
                port: Number(text("pf-port")),
                toAddr: text("pf-to-addr"),
                toPort: Number(text("pf-to-port")),
                description: text("pf-description"),
              },
              { onSuccess: () => formEl.reset() },
            );
          }}
        >
          <h3 className="text-sm font-semibold">Add a port forward</h3>
          {!wanAddress && (
            <Alert kind="info">Set the site's WAN address in the settings first.</Alert>
          )}
          <div className="grid gap-3 sm:grid-cols-[6rem_1fr_2fr_1fr]">
            <Select id="pf-proto" label="Protocol" defaultValue="tcp">
              <option value="tcp">TCP</option>
              <option value="udp">UDP</option>
            </Select>
            <Field
              id="pf-port"
              label="WAN port"
              type="number"
              inputMode="numeric"
              min={1}
              max={65535}
              required
              error={fields.port}
            />
            <Field
              id="pf-to-addr"
              label="To address"
              placeholder="192.168.1.20"
              required
              error={fields.toAddr}
            />
            <Field
              id="pf-to-port"
              label="To port"
              type="number"
              inputMode="numeric"
              min={1}
              max={65535}
              required
              error={fields.toPort}
            />
          </div>
          <Field id="pf-description" label="Description" error={fields.description} />
          {message && <Alert>{message}</Alert>}
          <Button type="submit" disabled={create.isPending}>
            Add port forward
          </Button>
        </form>
      )}
    </Card>
  );
}

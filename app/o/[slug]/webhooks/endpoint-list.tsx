"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ConfirmButton } from "@/app/_components/confirm-button";
import { Time } from "@/app/_components/local-time";
import { Badge } from "@/app/_components/status-ui";
import { Alert, Button, Card } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { PAGE_MAX } from "@/server/api/shared";
import { DeliveryLog } from "./delivery-log";
import { SecretOnce } from "./secret-once";

/** Every endpoint with its actions; one at a time shows its delivery log. */
export function EndpointList({ orgSlug, canWrite }: { orgSlug: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(
    trpc.webhook.list.queryOptions({ orgSlug, limit: PAGE_MAX }, { refetchInterval: 5_000 }),
  );
  const [open, setOpen] = useState<string | null>(null);
  const [secret, setSecret] = useState<{ endpointId: string; secret: string } | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.webhook.pathKey() });
  const onError = { onSuccess: refresh };
  const update = useMutation(trpc.webhook.update.mutationOptions(onError));
  const remove = useMutation(trpc.webhook.delete.mutationOptions(onError));
  const test = useMutation(trpc.webhook.sendTest.mutationOptions(onError));
  const rotate = useMutation(
    trpc.webhook.rotateSecret.mutationOptions({
      onSuccess: (r) => {
        setSecret({ endpointId: r.endpoint.id, secret: r.secret });
        void refresh();
      },
    }),
  );
  const failed = [update, remove, test, rotate].find((m) => m.error)?.error;
  if (list.isPending) return <p className="text-sm text-slate-600">Loading endpoints…</p>;
  if (list.error) return <Alert>{list.error.message}</Alert>;
  if (list.data.items.length === 0)
    return (
      <p className="text-sm text-slate-600" data-testid="webhooks-empty">
        No endpoints yet.
      </p>
    );
  return (
    <div className="space-y-4">
      {failed && <Alert>{failed.message}</Alert>}
      {list.data.items.map((e) => (
        <Card key={e.id}>
          <div className="space-y-3" data-testid="webhook-endpoint" data-url={e.url}>
            <div className="flex flex-wrap items-center gap-2">
              <code className="break-all text-sm font-medium">{e.url}</code>
              <Badge tone={e.enabled ? "green" : "slate"}>
                {e.enabled ? "Enabled" : "Disabled"}
              </Badge>
              {e.previousSecretExpiresAt && (
                <Badge tone="amber" title="Deliveries carry the old and the new signature">
                  Rotating until <Time value={e.previousSecretExpiresAt} show="absolute" />
                </Badge>
              )}
            </div>
            {e.description && <p className="text-sm text-slate-700">{e.description}</p>}
            <p className="text-xs text-slate-600">
              {e.events.join(", ")} · {e.counts.succeeded} delivered,{" "}
              {e.counts.pending + e.counts.sending} waiting, {e.counts.dead} dead
            </p>
            {secret?.endpointId === e.id && (
              <SecretOnce secret={secret.secret} onDone={() => setSecret(null)} />
            )}
            <div className="flex flex-wrap gap-2">
              <Button variant="secondary" onClick={() => setOpen(open === e.id ? null : e.id)}>
                {open === e.id ? "Hide deliveries" : "Deliveries"}
              </Button>
              {canWrite && (
                <>
                  <Button
                    variant="secondary"
                    disabled={!e.enabled || test.isPending}
                    onClick={() => test.mutate({ orgSlug, endpointId: e.id })}
                  >
                    Send test
                  </Button>
                  <Button
                    variant="secondary"
                    onClick={() =>
                      update.mutate({ orgSlug, endpointId: e.id, enabled: !e.enabled })
                    }
                  >
                    {e.enabled ? "Disable" : "Enable"}
                  </Button>
                  <ConfirmButton
                    label="Rotate secret"
                    variant="secondary"
                    title="Rotate the signing secret?"
                    onConfirm={() => rotate.mutate({ orgSlug, endpointId: e.id })}
                  >
                    A new secret signs every delivery from now on. The current one keeps signing too
                    (a second signature) for 24 hours, so your receiver can switch over.
                  </ConfirmButton>
                  <ConfirmButton
                    label="Delete"
                    ariaLabel={`Delete ${e.url}`}
                    title="Delete this endpoint?"
                    onConfirm={() => remove.mutate({ orgSlug, endpointId: e.id })}
                  >
                    Its deliveries and their log go with it.
                  </ConfirmButton>
                </>
              )}
            </div>
            {open === e.id && (
              <DeliveryLog orgSlug={orgSlug} endpointId={e.id} canWrite={canWrite} />
            )}
          </div>
        </Card>
      ))}
    </div>
  );
}

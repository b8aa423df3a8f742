"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ConfirmButton } from "@/app/_components/confirm-button";
import { Badge } from "@/app/_components/status-ui";
import { Alert, Button, Card } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { PAGE_MAX } from "@/server/api/shared";
import { SeverityBadge } from "../incidents/incident-ui";
import { CHANNEL_KINDS, ChannelForm } from "./channel-form";
import { ChannelLog } from "./channel-log";

const kindLabel = (kind: string) => CHANNEL_KINDS.find((k) => k.value === kind)?.label ?? kind;

/** Where incidents are sent: each channel with its last day's counts and actions. */
export function Channels({ orgSlug, canWrite }: { orgSlug: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(
    trpc.alerts.channels.queryOptions({ orgSlug, limit: PAGE_MAX }, { refetchInterval: 5_000 }),
  );
  const [open, setOpen] = useState<string | null>(null);
  const refresh = {
    onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.alerts.pathKey() }),
  };
  const update = useMutation(trpc.alerts.updateChannel.mutationOptions(refresh));
  const remove = useMutation(trpc.alerts.deleteChannel.mutationOptions(refresh));
  const test = useMutation(trpc.alerts.testChannel.mutationOptions(refresh));
  const failed = [update, remove, test].find((m) => m.error)?.error;
  const channels = list.data?.items ?? [];
  return (
    <div className="space-y-4">
      {list.error && <Alert>{list.error.message}</Alert>}
      {failed && <Alert>{failed.message}</Alert>}
      {test.isSuccess && <Alert kind="info">Test message queued: see the delivery log.</Alert>}
      {list.isPending && <p className="text-sm text-slate-600">Loading channels…</p>}
      {list.data && channels.length === 0 && (
        <p className="text-sm text-slate-600" data-testid="channels-empty">
          No channels yet: incidents are shown here but sent nowhere.
        </p>
      )}
      {channels.map((c) => (
        <Card key={c.id}>
          <div
            className="space-y-3"
            data-testid="alert-channel"
            data-kind={c.kind}
            data-name={c.name}
          >
            <div className="flex flex-wrap items-center gap-2">
              <h3 className="font-medium">{c.name}</h3>
              <Badge tone="blue">{kindLabel(c.kind)}</Badge>
              <Badge tone={c.enabled ? "green" : "slate"}>
                {c.enabled ? "Enabled" : "Disabled"}
              </Badge>
            </div>
            <p className="text-sm text-slate-700">
              To{" "}
              <span className="break-all font-mono">
                {c.kind === "email" ? c.recipients.join(", ") : c.target || "—"}
              </span>{" "}
              · from <SeverityBadge severity={c.minSeverity} /> up
            </p>
            <p className="text-xs text-slate-600">
              Last 24 h: {c.counts.sent} sent, {c.counts.pending} waiting, {c.counts.failed} failed
            </p>
            <div className="flex flex-wrap gap-2">
              <Button
                variant="secondary"
                aria-expanded={open === c.id}
                aria-label={`${open === c.id ? "Hide" : "Show"} the delivery log of ${c.name}`}
                onClick={() => setOpen(open === c.id ? null : c.id)}
              >
                {open === c.id ? "Hide delivery log" : "Delivery log"}
              </Button>
              {canWrite && (
                <>
                  <Button
                    variant="secondary"
                    aria-label={`Send a test to ${c.name}`}
                    disabled={!c.enabled || test.isPending}
                    onClick={() => test.mutate({ orgSlug, channelId: c.id })}
                  >
                    Send test
                  </Button>
                  <Button
                    variant="secondary"
                    aria-label={`${c.enabled ? "Disable" : "Enable"} ${c.name}`}
                    onClick={() => update.mutate({ orgSlug, channelId: c.id, enabled: !c.enabled })}
                  >
                    {c.enabled ? "Disable" : "Enable"}
                  </Button>
                  <ConfirmButton
                    label="Delete"
                    ariaLabel={`Delete ${c.name}`}
                    title={`Delete the channel ${c.name}?`}
                    onConfirm={() => remove.mutate({ orgSlug, channelId: c.id })}
                  >
                    Its delivery log goes with it; incidents are no longer sent there.
                  </ConfirmButton>
                </>
              )}
            </div>
            {open === c.id && <ChannelLog orgSlug={orgSlug} channelId={c.id} />}
          </div>
        </Card>
      ))}
      {canWrite && <ChannelForm orgSlug={orgSlug} />}
    </div>
  );
}

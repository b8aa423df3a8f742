"use client";

import { useQuery } from "@tanstack/react-query";
import { Alert } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { NotificationTable } from "./notification-table";

/** A channel's delivery log: its newest notifications and what became of each; live. */
export function ChannelLog({ orgSlug, channelId }: { orgSlug: string; channelId: string }) {
  const trpc = useTRPC();
  const log = useQuery(
    trpc.alerts.notifications.queryOptions(
      { orgSlug, channelId, limit: 50 },
      { refetchInterval: 3_000 },
    ),
  );
  if (log.error) return <Alert>{log.error.message}</Alert>;
  return (
    <NotificationTable
      orgSlug={orgSlug}
      label="Delivery log"
      rows={log.data ?? []}
      empty={log.isPending ? "Loading the delivery log…" : "Nothing sent yet."}
      by="incident"
      testId="channel-notification"
    />
  );
}

"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ConfirmButton } from "@/app/_components/confirm-button";
import { ListCard } from "@/app/_components/list-card";
import { Time } from "@/app/_components/local-time";
import { Badge, Td, type Tone } from "@/app/_components/status-ui";
import { useTRPC } from "@/app/_trpc/client";
import { PAGE_MAX } from "@/server/api/shared";

const TONE: Record<string, Tone> = { active: "green", expired: "slate", revoked: "red" };

/** One or two scope names, else how many and whether they only read; the title lists all. */
function scopeSummary(scopes: string[]) {
  if (scopes.length <= 2) return scopes.join(", ");
  const readOnly = scopes.every((s) => s.endsWith(".read"));
  return `${scopes.length} scopes${readOnly ? ", read-only" : ""}`;
}

export function KeyList({ orgSlug, canWrite }: { orgSlug: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const keys = useQuery(trpc.apiKey.list.queryOptions({ orgSlug, limit: PAGE_MAX }));
  const revoke = useMutation(
    trpc.apiKey.revoke.mutationOptions({
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.apiKey.list.queryKey() }),
    }),
  );
  return (
    <ListCard
      title="Keys"
      rows={keys.data?.items}
      error={keys.error ?? revoke.error}
      columns={["Name", "Key", "Scopes", "Created by", "Created", "Expires", "Last used", "Status"]}
      empty="No API keys yet."
      emptyTestId="api-keys-empty"
      rowData={(k) => ({
        "data-testid": "api-key-row",
        "data-prefix": k.prefix,
        "data-status": k.status,
      })}
      cells={(k) => (
        <>
          <Td>{k.name}</Td>
          <Td className="font-mono text-xs whitespace-nowrap">{k.prefix}…</Td>
          <Td>
            <span title={k.scopes.join(", ")}>{scopeSummary(k.scopes)}</span>
            {k.allowedCidrs.length > 0 && (
              <span className="block text-xs text-slate-600">from {k.allowedCidrs.join(", ")}</span>
            )}
          </Td>
          <Td>{k.createdByEmail}</Td>
          <Td className="whitespace-nowrap">
            <Time value={k.createdAt} />
          </Td>
          <Td className="whitespace-nowrap">
            <Time value={k.expiresAt} fallback="Never" />
          </Td>
          <Td className="whitespace-nowrap">
            <Time value={k.lastUsedAt} fallback="Never" />
            {k.lastUsedIp && <span className="block text-xs text-slate-600">{k.lastUsedIp}</span>}
          </Td>
          <Td>
            <Badge tone={TONE[k.status]}>{k.status}</Badge>
          </Td>
        </>
      )}
      actions={
        canWrite
          ? (k) =>
              k.status === "active" && (
                <ConfirmButton
                  label="Revoke"
                  ariaLabel={`Revoke ${k.name}`}
                  title={`Revoke "${k.name}"?`}
                  disabled={revoke.isPending}
                  onConfirm={() => revoke.mutate({ orgSlug, apiKeyId: k.id })}
                >
                  Requests with this key are refused from now on. This cannot be undone.
                </ConfirmButton>
              )
          : undefined
      }
    />
  );
}

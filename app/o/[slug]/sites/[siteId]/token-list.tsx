"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { DataTable } from "@/app/_components/data-table";
import { Time } from "@/app/_components/local-time";
import { Badge, Td, type Tone } from "@/app/_components/status-ui";
import { Alert, Button } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { PAGE_MAX } from "@/server/api/shared";
import type { SiteIds } from "./site-section";

type TokenStatus = "usable" | "expired" | "revoked" | "used up";
const TONE: Record<TokenStatus, Tone> = {
  usable: "green",
  expired: "slate",
  revoked: "red",
  "used up": "slate",
};

function statusOf(t: {
  revokedAt: Date | null;
  expiresAt: Date;
  uses: number;
  maxUses: number;
}): TokenStatus {
  if (t.revokedAt) return "revoked";
  if (t.expiresAt.getTime() <= Date.now()) return "expired";
  if (t.uses >= t.maxUses) return "used up";
  return "usable";
}

export function TokenList({ orgSlug, siteId }: SiteIds) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const tokens = useQuery(trpc.site.tokens.queryOptions({ orgSlug, siteId, limit: PAGE_MAX }));
  const revoke = useMutation(
    trpc.site.revokeToken.mutationOptions({
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.site.tokens.queryKey() }),
    }),
  );
  if (!tokens.data?.items.length) return null;
  return (
    <div className="mt-5">
      <h3 className="mb-2 text-sm font-semibold">Install tokens</h3>
      {revoke.error && <Alert>{revoke.error.message}</Alert>}
      <DataTable
        label="Install tokens"
        columns={["Token", "Uses", "Expires", "Auto-approve", "Status"]}
        rows={tokens.data.items.map((t) => ({ ...t, status: statusOf(t) }))}
        rowData={(t) => ({
          "data-testid": "token-row",
          "data-token-id": t.id,
          "data-status": t.status,
        })}
        cells={(t) => (
          <>
            <Td className="font-mono text-xs">
              {t.prefix}…
              {t.tags.length > 0 && (
                <span className="block font-sans text-slate-600">{t.tags.join(", ")}</span>
              )}
            </Td>
            <Td>
              {t.uses}/{t.maxUses}
            </Td>
            <Td className="whitespace-nowrap">
              <Time value={t.expiresAt} />
            </Td>
            <Td>{t.autoApprove ? "Yes" : "No"}</Td>
            <Td>
              <Badge tone={TONE[t.status]}>{t.status}</Badge>
            </Td>
          </>
        )}
        actions={(t) =>
          t.status === "usable" && (
            <Button
              variant="secondary"
              aria-label={`Revoke token ${t.prefix}`}
              disabled={revoke.isPending}
              onClick={() => revoke.mutate({ orgSlug, tokenId: t.id })}
            >
              Revoke
            </Button>
          )
        }
      />
    </div>
  );
}

"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Badge, TableWrap, Td, Th, type Tone } from "@/app/_components/status-ui";
import { formatTime } from "@/app/_components/time";
import { Alert, Button } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";

type TokenStatus = "usable" | "expired" | "revoked" | "used up";
const TONE: Record<TokenStatus, Tone> = {
  usable: "green",
  expired: "slate",
  revoked: "red",
  "used up": "slate",
};

function statusOf(t: { revokedAt: Date | null; expiresAt: Date; uses: number; maxUses: number }) {
  if (t.revokedAt) return "revoked";
  if (t.expiresAt.getTime() <= Date.now()) return "expired";
  if (t.uses >= t.maxUses) return "used up";
  return "usable";
}

export function TokenList({ orgSlug, siteId }: { orgSlug: string; siteId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const tokens = useQuery(trpc.site.tokens.queryOptions({ orgSlug, siteId }));
  const revoke = useMutation(
    trpc.site.revokeToken.mutationOptions({
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.site.tokens.queryKey() }),
    }),
  );
  if (!tokens.data?.length) return null;
  return (
    <div className="mt-5">
      <h3 className="mb-2 text-sm font-semibold">Install tokens</h3>
      {revoke.error && <Alert>{revoke.error.message}</Alert>}
      <TableWrap label="Install tokens">
        <table className="w-full text-left text-sm">
          <thead>
            <tr className="border-b border-slate-200 text-slate-600">
              <Th>Token</Th>
              <Th>Uses</Th>
              <Th>Expires</Th>
              <Th>Auto-approve</Th>
              <Th>Status</Th>
              <Th>
                <span className="sr-only">Actions</span>
              </Th>
            </tr>
          </thead>
          <tbody>
            {tokens.data.map((t) => {
              const status = statusOf(t);
              return (
                <tr
                  key={t.id}
                  className="border-b border-slate-100"
                  data-testid="token-row"
                  data-token-id={t.id}
                  data-status={status}
                >
                  <Td className="font-mono text-xs">
                    {t.prefix}…
                    {t.tags.length > 0 && (
                      <span className="block font-sans text-slate-600">{t.tags.join(", ")}</span>
                    )}
                  </Td>
                  <Td>
                    {t.uses}/{t.maxUses}
                  </Td>
                  <Td className="whitespace-nowrap">{formatTime(t.expiresAt)}</Td>
                  <Td>{t.autoApprove ? "Yes" : "No"}</Td>
                  <Td>
                    <Badge tone={TONE[status]}>{status}</Badge>
                  </Td>
                  <Td className="text-right">
                    {status === "usable" && (
                      <Button
                        variant="secondary"
                        aria-label={`Revoke token ${t.prefix}`}
                        disabled={revoke.isPending}
                        onClick={() => revoke.mutate({ orgSlug, tokenId: t.id })}
                      >
                        Revoke
                      </Button>
                    )}
                  </Td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableWrap>
    </div>
  );
}

"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { ConfirmButton } from "@/app/_components/confirm-button";
import { Alert } from "@/app/_components/ui";
import { useIntentRefresh } from "@/app/_components/use-intent-refresh";
import { useTRPC } from "@/app/_trpc/client";
import type { SiteIds } from "./site-section";

/** The server refuses while the site has active or pending devices, and says so. */
export function DeleteSiteButton({ orgSlug, siteId, name }: SiteIds & { name: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const refresh = useIntentRefresh((t) => [t.site.pathKey(), t.policy.pathKey()]);
  const remove = useMutation(
    trpc.site.delete.mutationOptions({
      onSuccess: () => {
        refresh();
        router.push(`/o/${orgSlug}/sites`);
      },
    }),
  );
  return (
    <div className="space-y-2">
      <ConfirmButton
        label="Delete site"
        title={`Delete ${name}?`}
        disabled={remove.isPending || remove.isSuccess}
        onConfirm={() => remove.mutate({ orgSlug, siteId })}
      >
        Its rules, port forwards and services go with it. Revoke its devices first.
      </ConfirmButton>
      {remove.error && <Alert>{remove.error.message}</Alert>}
    </div>
  );
}

"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { ConfirmButton } from "@/app/_components/confirm-button";
import { Alert } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";

/** The server refuses while the site has active or pending devices, and says so. */
export function DeleteSiteButton({
  orgSlug,
  siteId,
  name,
}: {
  orgSlug: string;
  siteId: string;
  name: string;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const remove = useMutation(
    trpc.site.delete.mutationOptions({
      onSuccess: () => {
        queryClient.invalidateQueries({ queryKey: trpc.site.pathKey() });
        queryClient.invalidateQueries({ queryKey: trpc.policy.pathKey() });
        queryClient.invalidateQueries({ queryKey: trpc.rollout.pathKey() });
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

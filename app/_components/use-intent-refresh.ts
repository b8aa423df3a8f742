"use client";

import { type QueryKey, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/app/_trpc/client";

/**
 * After a change of intent: the reads `keys` picks (what the change shows in), and the
 * rollouts, since every change of intent starts one.
 */
export function useIntentRefresh(keys: (trpc: ReturnType<typeof useTRPC>) => QueryKey[]) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => {
    for (const queryKey of [...keys(trpc), trpc.rollout.pathKey()])
      queryClient.invalidateQueries({ queryKey });
  };
}

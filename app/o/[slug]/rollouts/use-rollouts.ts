"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/app/_trpc/client";

/** The newest 50 rollouts, newest first, polled every 2 s. */
export function useRollouts(orgSlug: string) {
  const trpc = useTRPC();
  return useQuery(trpc.rollout.list.queryOptions({ orgSlug }, { refetchInterval: 2_000 }));
}

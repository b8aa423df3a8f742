"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/app/_trpc/client";

/** What the page shows: it polls, so it asks for one screenful rather than PAGE_MAX. */
const SHOWN = 50;

/** The newest rollouts (one page), newest first, polled every 2 s. */
export function useRollouts(orgSlug: string) {
  const trpc = useTRPC();
  return useQuery(
    trpc.rollout.list.queryOptions({ orgSlug, limit: SHOWN }, { refetchInterval: 2_000 }),
  );
}

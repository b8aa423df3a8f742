"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/app/_trpc/client";

/** After an overlay write: every overlay read, and the rollout it started. */
export function useOverlayRefresh() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => {
    queryClient.invalidateQueries({ queryKey: trpc.overlay.pathKey() });
    queryClient.invalidateQueries({ queryKey: trpc.rollout.pathKey() });
  };
}

"use client";

import { useIntentRefresh } from "@/app/_components/use-intent-refresh";

/** After an overlay write: every overlay read, and the rollout it started. */
export const useOverlayRefresh = () => useIntentRefresh((trpc) => [trpc.overlay.pathKey()]);

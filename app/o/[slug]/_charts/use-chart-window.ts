"use client";

import { useState } from "react";
import { useNow } from "@/app/_components/use-now";
import { CHART_WINDOWS, type ChartWindow, windowRange } from "./shape";

export const WINDOW_OPTIONS = (Object.keys(CHART_WINDOWS) as ChartWindow[]).map((key) => ({
  key,
  label: CHART_WINDOWS[key].label,
}));

/**
 * The chosen window and its [from, to), moving with the clock once a minute (the queries'
 * keys change with it, so they refetch then and not in between).
 */
export function useChartWindow(initial: ChartWindow = "24h") {
  const [window, setWindow] = useState<ChartWindow>(initial);
  const now = useNow(60_000);
  return { window, setWindow, ms: CHART_WINDOWS[window].ms, now, ...windowRange(window, now) };
}

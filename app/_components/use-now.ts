"use client";

import { useEffect, useState } from "react";

/** The current time, refreshed every `everyMs`, for "seen 12 s ago" labels. */
export function useNow(everyMs = 5_000) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}

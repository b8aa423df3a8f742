"use client";

import { useEffect, useState } from "react";

/** false during the server render and hydration: times are shown in the browser's zone only. */
export function useMounted() {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  return mounted;
}

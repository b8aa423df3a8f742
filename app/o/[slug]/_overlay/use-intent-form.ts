"use client";

import { useState } from "react";
import { useOverlayRefresh } from "./use-refresh";

/**
 * What every add-or-edit form of overlay intent shares. `prefix` starts its input ids
 * ("sla-" when adding, "edit-sla-" when editing, so both can be on the page); `added` keys
 * the fields, so that they start afresh after each add; `onSuccess` goes to both mutations:
 * it refreshes the overlay reads, resets an add form (`onAdded` resets its own state too),
 * then calls `onDone` (the edit dialog's close).
 */
export function useIntentForm(
  name: string,
  editing: object | undefined,
  { onDone, onAdded }: { onDone?: () => void; onAdded?: () => void } = {},
) {
  const refresh = useOverlayRefresh();
  const [added, setAdded] = useState(0);
  return {
    prefix: editing ? `edit-${name}-` : `${name}-`,
    added,
    onSuccess: () => {
      refresh();
      if (!editing) {
        setAdded((n) => n + 1);
        onAdded?.();
      }
      onDone?.();
    },
  };
}

"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import {
  changed,
  type ListSpec,
  type ListState,
  listInput,
  readListState,
  toSearch,
} from "./list-state";

/**
 * A list's state from the page's URL, the input of its procedure (`I`, orgSlug aside: the
 * spec names the procedure's own sorts and filters, which the server checks again), and
 * `go`, which pushes another state as a new history entry (so Back returns to the last one).
 */
export function useList<I>(spec: ListSpec) {
  const params = useSearchParams();
  const pathname = usePathname();
  const router = useRouter();
  const state = readListState(spec, (name) => params.get(name));
  const go = (next: ListState) => {
    const search = toSearch(spec, next);
    router.push(search ? `${pathname}?${search}` : pathname, { scroll: false });
  };
  const input = {
    ...listInput(spec, state),
    limit: state.limit,
    ...(state.cursor ? { cursor: state.cursor } : {}),
  } as unknown as Omit<I, "orgSlug">;
  /** The search of the same filters and sort, from the first page (for the CSV export). */
  const matching = toSearch(spec, changed(state, {}));
  return { spec, state, input, go, matching };
}

export type ListController = ReturnType<typeof useList>;

"use client";

import { Button } from "../ui";
import { back, forward } from "./list-state";
import type { ListController } from "./use-list";

const count = (n: number) => n.toLocaleString("en-US");

/** "1,000 sites" on one page; "Showing 51–100 of 1,000 sites" when there are more. */
export function countText(
  noun: { one: string; many: string },
  page: { first: number; shown: number; total?: number; more: boolean },
) {
  const { first, shown, total } = page;
  const name = (n: number) => `${count(n)} ${n === 1 ? noun.one : noun.many}`;
  if (total !== undefined && first === 1 && shown >= total) return name(total);
  const range = shown ? `${count(first)}–${count(first + shown - 1)}` : "none";
  return total !== undefined ? `Showing ${range} of ${name(total)}` : `Showing ${range}`;
}

/** The count of what the filters match and which of them are shown; Previous and Next. */
export function ListPager({
  list,
  noun,
  shown,
  total,
  next,
  stale,
}: {
  stale: boolean;
  list: ListController;
  noun: { one: string; many: string };
  shown: number;
  total?: number;
  next: string | null;
}) {
  const { state } = list;
  const first = (state.page - 1) * state.limit + 1;
  const paged = state.page > 1 || next !== null;
  return (
    <div className="mt-3 flex flex-wrap items-center justify-between gap-2">
      <p className="text-sm text-slate-700" aria-live="polite" data-testid="list-count">
        {/* The rows are the last page's until the asked one arrives: no count for them. */}
        {stale ? "Loading…" : countText(noun, { first, shown, total, more: next !== null })}
      </p>
      {paged && (
        <nav aria-label="Pages" className="flex gap-2">
          <Button
            variant="secondary"
            className="py-1.5"
            disabled={stale || state.page <= 1}
            onClick={() => list.go(back(state))}
          >
            Previous
          </Button>
          <Button
            variant="secondary"
            className="py-1.5"
            disabled={stale || next === null}
            onClick={() => next && list.go(forward(state, next))}
          >
            Next
          </Button>
        </nav>
      )}
    </div>
  );
}

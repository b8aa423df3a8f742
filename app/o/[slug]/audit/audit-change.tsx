import { ChangeDiff } from "@/app/_components/change-diff";
import { diffJson, type Json } from "@/server/api/shared";

/** The empty value of a side's kind: a creation diffs against {}, a deletion to {}. */
const emptyLike = (v: Json): Json => (Array.isArray(v) ? [] : typeof v === "object" ? {} : null);

/**
 * An audit entry's change, field by field: what it was before and after. An entry with only
 * `after` (something created) lists its fields as added; one with only `before`, as removed.
 */
export function AuditChange({ before, after }: { before: unknown; after: unknown }) {
  const b = (before ?? null) as Json;
  const a = (after ?? null) as Json;
  if (b === null && a === null) return <span className="text-xs text-slate-600">—</span>;
  const changes = diffJson(b ?? emptyLike(a), a ?? emptyLike(b));
  return <ChangeDiff changes={changes} max={20} empty="No field changed." />;
}

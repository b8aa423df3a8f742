import type { z } from "zod";

/** Field → first message of a failed client-side parse (the server's schema, same words). */
export function issuesByField(result: z.ZodSafeParseResult<unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of result.error?.issues ?? []) {
    const field = String(issue.path[0] ?? "_");
    out[field] ??= issue.message;
  }
  return out;
}

/** A text control's value: trimmed, and null when empty (inherit). */
export const textOrNull = (form: FormData, name: string) => {
  const value = String(form.get(name) ?? "").trim();
  return value === "" ? null : value;
};

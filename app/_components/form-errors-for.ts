import { formErrors } from "@/app/_lib/errors";

/**
 * formErrors for one form. The server names fields by their path in the procedure's input
 * ("settings.wan", "rule.ports.lo", "backends.0.addr"): a path under `prefix` that is one of
 * the form's fields, or lies inside one, goes to that field. Whatever the form cannot show
 * next to a field joins the headline, so no message from the server is ever dropped.
 */
export function formErrorsFor<K extends string>(error: unknown, known: readonly K[], prefix = "") {
  const { message, fields } = formErrors(error);
  const out: Partial<Record<K, string>> = {};
  const rest = new Set<string>();
  for (const [path, text] of Object.entries(fields as Record<string, unknown>)) {
    const rel = path.startsWith(prefix) ? path.slice(prefix.length) : path;
    const field = known.find((k) => rel === k || rel.startsWith(`${k}.`));
    if (field && typeof text === "string") out[field] ??= text;
    else if (typeof text === "string" && path !== "fields")
      rest.add(path === "_" ? text : `${rel}: ${text}`);
    // AppError details that are not a flat field map: the error's own message says it.
    else rest.add((error as { message?: string }).message ?? "Something went wrong");
  }
  return { message: [message, ...rest].filter(Boolean).join(" "), fields: out };
}

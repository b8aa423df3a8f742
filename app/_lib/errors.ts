/**
 * A headline and field messages from a tRPC or better-auth error, for forms. When the
 * error names fields, they carry the message and the headline stays empty.
 */
export function formErrors(error: unknown): { message: string; fields: Record<string, string> } {
  if (!error) return { message: "", fields: {} };
  const e = error as {
    message?: string;
    data?: { code?: string; fields?: Record<string, string> };
    fields?: Record<string, string>;
  };
  // A plan limit or a read-only org: the details are numbers for the billing page, not
  // field messages; the message says what happened and where to go (linked by Alert).
  if (e.data?.code === "PAYMENT_REQUIRED")
    return { message: e.message ?? "Payment required", fields: {} };
  const fields = e.data?.fields ?? e.fields ?? {};
  const message = Object.keys(fields).length ? "" : (e.message ?? "Something went wrong");
  return { message, fields };
}

/** Field messages and a headline from a tRPC or better-auth error, for forms. */
export function formErrors(error: unknown): { message: string; fields: Record<string, string> } {
  if (!error) return { message: "", fields: {} };
  const e = error as {
    message?: string;
    data?: { fields?: Record<string, string> };
    fields?: Record<string, string>;
  };
  return { message: e.message ?? "Something went wrong", fields: e.data?.fields ?? e.fields ?? {} };
}

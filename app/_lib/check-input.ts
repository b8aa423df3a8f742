import type { z } from "zod";
import { fieldErrors } from "@/server/api/shared";

/**
 * Checks a form's input in the browser with the schema the server applies, before sending:
 * null when it passes, else an error shaped like the server's 400 (field → message), which
 * formErrors / formErrorsFor show exactly as they would the server's.
 */
export function checkInput(schema: z.ZodType, input: unknown) {
  const parsed = schema.safeParse(input);
  if (parsed.success) return null;
  return {
    message: "Invalid input",
    data: { code: "BAD_REQUEST", fields: fieldErrors(parsed.error) },
  };
}

import { z } from "zod";

/** Stricter than better-auth's own checks: unknown fields and over-long values are refused. */
export const ZSignUpInput = z.strictObject({
  name: z.string().trim().min(1, "Name is required").max(100, "Name is at most 100 characters"),
  email: z.email("Enter a valid email address").max(254),
  password: z
    .string()
    .min(8, "Password must be at least 8 characters")
    .max(128, "Password is at most 128 characters"),
  callbackURL: z.string().max(2048).optional(),
  rememberMe: z.boolean().optional(),
});

export const ZSignInInput = z.strictObject({
  email: z.email("Enter a valid email address").max(254),
  password: z.string().min(1, "Password is required").max(128),
  callbackURL: z.string().max(2048).optional(),
  rememberMe: z.boolean().optional(),
});

/** Field → first message, the shape every 400 in the product carries. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.join(".") || "_";
    if (issue.code === "unrecognized_keys") {
      for (const k of issue.keys) out[k] ??= "Unknown field";
    } else {
      out[key] ??= issue.message;
    }
  }
  return out;
}

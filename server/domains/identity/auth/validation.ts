import { z } from "zod";
import { isCleanText, TEXT_MESSAGE, zText } from "../../../../protocol/text";
import { ROLES } from "../../../platform/tenancy/permissions";

/** Stricter than better-auth's own checks: unknown fields and over-long values are refused. */
export const ZSignUpInput = z.strictObject({
  name: zText().trim().min(1, "Name is required").max(100, "Name is at most 100 characters"),
  email: z.email("Enter a valid email address").max(254),
  password: zText()
    .min(8, "Password must be at least 8 characters")
    .max(128, "Password is at most 128 characters"),
  callbackURL: zText().max(2048).optional(),
  rememberMe: z.boolean().optional(),
});

export const ZSignInInput = z.strictObject({
  email: z.email("Enter a valid email address").max(254),
  password: zText().min(1, "Password is required").max(128),
  callbackURL: zText().max(2048).optional(),
  rememberMe: z.boolean().optional(),
});

/** A new password from a reset link: the same rules as sign-up's. */
export const ZNewPasswordInput = z.strictObject({ password: ZSignUpInput.shape.password });

/** An address to mail (a reset link, a new verification link). */
export const ZEmailInput = z.strictObject({
  email: ZSignUpInput.shape.email,
  callbackURL: ZSignUpInput.shape.callbackURL,
});

/** An invitation: whom, with which role (invitation.create takes these and the org). */
export const ZNewInvitation = z.strictObject({
  email: ZSignUpInput.shape.email,
  role: z.enum(ROLES),
});

/** A profile update: the same limits as sign-up (better-auth's own route takes any length). */
export const ZUpdateUserInput = z.strictObject({
  name: ZSignUpInput.shape.name.optional(),
  image: zText().max(2048, "Image URL is at most 2048 characters").nullable().optional(),
});

/** No auth body nests deeper than a few levels; past this one it is refused. */
export const MAX_BODY_DEPTH = 16;

/**
 * Every string anywhere in `value` that is not clean text (protocol/text.ts), as field →
 * message; a body nested deeper than MAX_BODY_DEPTH is refused as a whole. Applied to each
 * body the auth routes take, whatever the route. Iterative: no input can overflow the stack.
 */
export function uncleanFields(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const stack: [unknown, string, number][] = [[value, "", 0]];
  while (stack.length) {
    const [item, path, depth] = stack.pop() as [unknown, string, number];
    if (typeof item === "string") {
      if (!isCleanText(item)) out[path || "_"] ??= `${path || "value"} ${TEXT_MESSAGE}`;
      continue;
    }
    if (item === null || typeof item !== "object") continue;
    if (depth >= MAX_BODY_DEPTH)
      return { _: `the body nests deeper than ${MAX_BODY_DEPTH} levels` };
    for (const [key, inner] of Object.entries(item)) {
      if (!isCleanText(key)) out[path || "_"] ??= `a field name ${TEXT_MESSAGE}`;
      stack.push([inner, path ? `${path}.${key}` : key, depth + 1]);
    }
  }
  return out;
}

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

import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { zText } from "../../protocol/text";
import { ROLES } from "../platform/tenancy/permissions";
import { ZOrgSelector } from "./trpc";

/**
 * Input of an org-scoped procedure: the org selector plus its own fields, strict, so an
 * unknown field is a 400 rather than silently dropped.
 */
export function orgInput<S extends z.ZodRawShape>(shape: S) {
  return z.strictObject({ ...ZOrgSelector.shape, ...shape });
}

/**
 * Input of an org-scoped procedure that takes `schema`'s fields flat (a REST body), with the
 * schema's own cross-field rules (refinements) kept.
 */
export function orgInputOf<S extends z.ZodRawShape>(schema: z.ZodObject<S>) {
  // The checks see the whole object, whose fields are the schema's (and orgSlug).
  const checks = (schema._zod.def.checks ?? []) as z.core.$ZodCheck<unknown>[];
  return orgInput(schema.shape).check(...checks);
}

export const ZRole = z.enum(ROLES);
export const ZId = zText().min(1).max(64);
export const ZToken = zText().min(16).max(128);
export const ZEmail = z.email("Enter a valid email address").max(254);

/**
 * With `...pageInput(sorts)`, after it: the list answers newest first unless asked otherwise
 * (logs, rollouts, keys; pageInput's own default order is ascending).
 */
export const newestFirst = { order: z.enum(["asc", "desc"]).default("desc") };

type PatchShape<S extends z.ZodRawShape> = {
  [K in keyof S]: z.ZodOptional<S[K] extends z.ZodDefault<infer I> ? I : S[K]>;
};

/**
 * The fields of a PATCH of objects written whole with `shape`: each optional and without its
 * default, so a field left out keeps its value (a field sent replaces all of it, arrays too).
 */
export function patchShape<S extends z.ZodRawShape>(shape: S): PatchShape<S> {
  return Object.fromEntries(
    Object.entries(shape).map(([key, field]) => [
      key,
      (field instanceof z.ZodDefault
        ? (field.unwrap() as z.ZodType)
        : (field as z.ZodType)
      ).optional(),
    ]),
  ) as unknown as PatchShape<S>;
}

/**
 * The object a PATCH makes: `current` (as the API shows it) with the fields `patch` sends over
 * it, checked whole by `schema`, refinements included, so a pair of fields that only clash
 * together is a 400 naming the field, like a bad create.
 */
export function patched<S extends z.ZodRawShape, T>(
  schema: z.ZodType<T> & { shape: S },
  current: object,
  patch: object,
): T {
  const was = current as Record<string, unknown>;
  const sent = patch as Record<string, unknown>;
  const merged = Object.fromEntries(
    Object.keys(schema.shape).map((key) => [key, sent[key] !== undefined ? sent[key] : was[key]]),
  );
  const parsed = schema.safeParse(merged);
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0];
  throw new TRPCError({
    code: "BAD_REQUEST",
    message: first ? `${first.path.join(".") || "input"}: ${first.message}` : "Not valid",
    cause: parsed.error,
  });
}

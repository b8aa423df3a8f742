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

export const ZRole = z.enum(ROLES);
export const ZId = zText().min(1).max(64);
export const ZToken = zText().min(16).max(128);
export const ZEmail = z.email("Enter a valid email address").max(254);

import { z } from "zod";
import { zText } from "../../../../../protocol/text";

export const ZSlug = zText()
  .trim()
  .toLowerCase()
  .min(3, "Slug must be at least 3 characters")
  .max(48, "Slug is at most 48 characters")
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, "Use lowercase letters, digits and dashes");

export const ZOrgName = zText()
  .trim()
  .min(2, "Name must be at least 2 characters")
  .max(80, "Name is at most 80 characters");

/** A new organization: what org.create takes and the portal's form checks first. */
export const ZNewOrg = z.strictObject({
  name: ZOrgName,
  slug: ZSlug,
  kind: z.enum(["standard", "msp"]).default("standard"),
});

export const ZOrgSummary = z.object({
  id: zText(),
  slug: zText(),
  name: zText(),
  kind: z.enum(["standard", "msp"]),
  role: z.enum(["owner", "admin", "operator", "viewer", "developer", "billing"]),
  /** The MSP org the role comes from, when it is inherited. */
  viaOrgSlug: zText().nullable(),
  parentSlug: zText().nullable(),
});
export type OrgSummary = z.infer<typeof ZOrgSummary>;

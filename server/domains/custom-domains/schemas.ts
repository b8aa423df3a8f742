import { z } from "zod";
import { zText } from "../../../protocol/text";
import { normaliseHostname } from "./hostname";

/** A hostname to claim; parsed into its stored form (lower case, punycode). */
export const ZHostname = zText()
  .max(300, "At most 253 characters")
  .transform((value, ctx) => {
    const result = normaliseHostname(value);
    if (result.problem === undefined) return result.hostname;
    ctx.addIssue({ code: "custom", message: result.problem });
    return z.NEVER;
  });

export const ZDomainStatus = z.enum(["pending", "verified", "failed"]);

export const ZDomainView = z.object({
  id: zText(),
  hostname: zText(),
  status: ZDomainStatus,
  /** The TXT record to create: its name and its exact value. */
  record: z.object({ type: z.literal("TXT"), name: zText(), value: zText() }),
  verifiedAt: z.date().nullable(),
  lastCheckedAt: z.date().nullable(),
  lastError: zText().nullable(),
  createdAt: z.date(),
});

export const EMBED_SCOPES = ["overview"] as const;
export const ZEmbedScope = z.enum(EMBED_SCOPES);

export const ZEmbedSettings = z.object({
  origins: z.array(zText()),
  keyVersion: z.number(),
});

// What the branding procedures answer.
import { z } from "zod";
import { zText } from "../../../protocol/text";
import { ZTemplateKind } from "./schemas";

const text = zText().nullable();
export const ZSource = z.enum(["own", "msp", "default"]);

export const ZOwnBrand = z.object({
  productName: text,
  primaryColor: text,
  accentColor: text,
  supportUrl: text,
  supportEmail: text,
  signInText: text,
  emailSenderName: text,
  hidePoweredBy: z.boolean().nullable(),
  logoLightUrl: text,
  logoDarkUrl: text,
  faviconUrl: text,
});

export const ZEffectiveBrand = z.object({
  productName: zText(),
  primaryColor: zText(),
  accentColor: zText(),
  supportUrl: text,
  supportEmail: text,
  signInText: text,
  /** The From display name of the org's mail; null: the install's MAIL_FROM as is. */
  emailSenderName: text,
  hidePoweredBy: z.boolean(),
  logoLightUrl: text,
  logoDarkUrl: text,
  faviconUrl: text,
  /** Where each field comes from: the org's own brand, its MSP's, or Patronus' default. */
  sources: z.record(zText(), ZSource),
});
export type EffectiveBrand = z.infer<typeof ZEffectiveBrand>;

export const ZBrandView = z.object({
  own: ZOwnBrand,
  effective: ZEffectiveBrand,
  /** Whether the plan lets this org hide "Powered by Patronus", and if not, why. */
  whiteLabel: z.object({ allowed: z.boolean(), reason: text }),
});

export const ZTemplateView = z.object({
  kind: ZTemplateKind,
  subject: zText(),
  body: zText(),
  source: ZSource,
  placeholders: z.array(zText()),
  required: z.array(zText()),
});

export const ZTemplatePreview = z.object({
  subject: zText(),
  text: zText(),
  from: zText().nullable(),
});

// The brand's fields and their checks: the server's input schemas and the branding page's
// client-side checks (exported to the browser through server/api/shared.ts), so both refuse
// the same values with the same words. Pure: zod and pure modules only.
import { z } from "zod";
import { zText } from "../../../protocol/text";
import { SENDER_NAME_MAX, senderNameProblem } from "../../platform/mail/sender";
import { accentColourProblem, primaryColourProblem } from "./colour/contrast";
import { BODY_MAX, SUBJECT_MAX, TEMPLATE_KINDS } from "./templates/catalog";
import { templateTextProblem } from "./templates/render";

export const SIGN_IN_TEXT_MAX = 500;
export const PRODUCT_NAME_MAX = 60;
/** base64 of an upload, as sent in JSON: ~512 KB of image. */
export const IMAGE_BASE64_MAX = 700 * 1024;

const refined =
  (problem: (v: string) => string | undefined) => (value: string, ctx: z.RefinementCtx) => {
    const message = problem(value);
    if (message) ctx.addIssue({ code: "custom", message });
  };

const colour = (problem: (v: string) => string | undefined) =>
  zText()
    .trim()
    .toLowerCase()
    .regex(/^#[0-9a-f]{6}$/, "Use a colour like #1d5fd6")
    .superRefine(refined(problem));

export const ZPrimaryColour = colour(primaryColourProblem);
export const ZAccentColour = colour(accentColourProblem);

export const ZSupportUrl = zText()
  .trim()
  .max(2048, "At most 2048 characters")
  .superRefine(
    refined((value) => {
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        return "Enter a full URL, like https://support.example.com";
      }
      if (url.protocol !== "https:") return "Use an https:// URL";
      if (url.username || url.password) return "Leave credentials out of the URL";
      return undefined;
    }),
  );

/** The brand's own fields; null: not set (inherited from the MSP, or Patronus' default). */
export const ZBrandFields = z.object({
  productName: zText().trim().min(1, "Enter a name").max(PRODUCT_NAME_MAX).nullable(),
  primaryColor: ZPrimaryColour.nullable(),
  accentColor: ZAccentColour.nullable(),
  supportUrl: ZSupportUrl.nullable(),
  supportEmail: z.email("Enter a valid email address").max(254).nullable(),
  signInText: zText()
    .trim()
    .max(SIGN_IN_TEXT_MAX, `At most ${SIGN_IN_TEXT_MAX} characters`)
    .nullable(),
  emailSenderName: zText()
    .trim()
    .min(1, "Enter a name")
    .max(SENDER_NAME_MAX, `At most ${SENDER_NAME_MAX} characters`)
    .superRefine(refined(senderNameProblem))
    .nullable(),
  hidePoweredBy: z.boolean().nullable(),
});
export type BrandFields = z.infer<typeof ZBrandFields>;

export const ZImageSlot = z.enum(["logoLight", "logoDark", "favicon"]);
export type BrandImageSlot = z.infer<typeof ZImageSlot>;

export const ZImageBase64 = zText()
  .min(1, "Choose an image")
  .max(IMAGE_BASE64_MAX, "The image is too large: at most 700 KB as base64 (about 512 KB of PNG)");

export const ZTemplateKind = z.enum(TEMPLATE_KINDS);

/** A template as saved: its placeholders checked for its kind. */
export const ZTemplateInput = z
  .object({
    kind: ZTemplateKind,
    subject: zText()
      .trim()
      .min(1, "Enter a subject")
      .max(SUBJECT_MAX, `At most ${SUBJECT_MAX} characters`),
    body: zText().trim().min(1, "Enter the text").max(BODY_MAX, `At most ${BODY_MAX} characters`),
  })
  .superRefine((t, ctx) => {
    for (const part of ["subject", "body"] as const) {
      const message = templateTextProblem(t.kind, t[part], part);
      if (message) ctx.addIssue({ code: "custom", message, path: [part] });
    }
  });

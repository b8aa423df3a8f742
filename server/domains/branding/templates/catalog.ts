// The kinds of mail an org may word itself, and what each may say. Pure (the branding page
// checks a template with it as the server does).

export const TEMPLATE_KINDS = ["verify-email", "reset-password", "invitation", "alert"] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

export const SUBJECT_MAX = 200;
export const BODY_MAX = 5000;

/** The placeholders a kind's mail fills in, and which must appear (the mail's link). */
export const PLACEHOLDERS: Record<
  TemplateKind,
  { allowed: readonly string[]; required: readonly string[] }
> = {
  "verify-email": { allowed: ["productName", "url"], required: ["url"] },
  "reset-password": { allowed: ["productName", "url"], required: ["url"] },
  invitation: {
    allowed: ["productName", "orgName", "inviterEmail", "url"],
    required: ["url"],
  },
  alert: {
    allowed: ["productName", "orgName", "alertTitle", "alertText", "url"],
    required: ["url"],
  },
};

/** What each placeholder stands for (the editor lists them). */
export const PLACEHOLDER_HELP: Record<string, string> = {
  productName: "the product name of the brand",
  orgName: "the organization's name",
  inviterEmail: "who sent the invitation",
  alertTitle: "what happened, in a line",
  alertText: "what happened, in full",
  url: "the link the mail carries",
};

/** Example values for previews. */
export const SAMPLE_VARS: Record<string, string> = {
  orgName: "Example Customer",
  inviterEmail: "admin@example.com",
  alertTitle: "Payment failed for Example Customer",
  alertText: "We could not collect $49.00 for Example Customer.",
  url: "https://portal.example.com/link",
};

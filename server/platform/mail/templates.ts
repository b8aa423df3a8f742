/**
 * The default text of each kind of mail, plain text with `{{placeholders}}`: what a mail
 * says when no org has its own text (the branding domain renders them, filling in the
 * product name of the recipient's brand; "Patronus" by default). Links are absolute; they
 * carry one-time tokens.
 */
export const DEFAULT_MAIL_TEMPLATES = {
  "verify-email": {
    subject: "Verify your email for {{productName}}",
    body: "Welcome to {{productName}}.\n\nConfirm your email address by opening this link:\n{{url}}\n\nIf you did not sign up, ignore this email.",
  },
  "reset-password": {
    subject: "Reset your {{productName}} password",
    body: "Someone asked to reset the password of your {{productName}} account.\n\nChoose a new password here:\n{{url}}\n\nIf it was not you, ignore this email; your password stays as it is.",
  },
  invitation: {
    subject: "{{inviterEmail}} invited you to {{orgName}} on {{productName}}",
    body: "{{inviterEmail}} invited you to join {{orgName}} on {{productName}}.\n\nAccept the invitation here (valid for 7 days, once):\n{{url}}",
  },
  // Alerts (billing today): what happened in {{alertTitle}} and {{alertText}}, then the link.
  alert: {
    subject: "{{alertTitle}} on {{productName}}",
    body: "{{alertText}}\n\n{{url}}",
  },
} as const;

/** Plain-text emails. Links are absolute; they carry one-time tokens. */
export const verifyEmailMail = (to: string, url: string) => ({
  to,
  kind: "verify-email",
  subject: "Verify your email for Patronus",
  text: `Welcome to Patronus.\n\nConfirm your email address by opening this link:\n${url}\n\nIf you did not sign up, ignore this email.`,
});

export const resetPasswordMail = (to: string, url: string) => ({
  to,
  kind: "reset-password",
  subject: "Reset your Patronus password",
  text: `Someone asked to reset the password of your Patronus account.\n\nChoose a new password here:\n${url}\n\nIf it was not you, ignore this email; your password stays as it is.`,
});

export const invitationMail = (to: string, orgName: string, inviter: string, url: string) => ({
  to,
  kind: "invitation",
  subject: `${inviter} invited you to ${orgName} on Patronus`,
  text: `${inviter} invited you to join ${orgName} on Patronus.\n\nAccept the invitation here (valid for 7 days, once):\n${url}`,
});

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

export const paymentFailedMail = (to: string, orgName: string, amount: string, url: string) => ({
  to,
  kind: "billing-payment-failed",
  subject: `Payment failed for ${orgName} on Patronus`,
  text: `We could not collect ${amount} for ${orgName}.\n\nYour sites keep running. Update the payment method or pay the open invoice here:\n${url}\n\nIf the invoice stays unpaid past the grace period, the organization becomes read-only (no new sites or configuration changes) until it is paid.`,
});

export const readOnlyMail = (to: string, orgName: string, url: string) => ({
  to,
  kind: "billing-read-only",
  subject: `${orgName} is read-only on Patronus`,
  text: `The grace period for the unpaid invoice of ${orgName} is over, so the organization is now read-only: running sites keep running, but nothing can be added or changed.\n\nPay the open invoice to lift it:\n${url}`,
});

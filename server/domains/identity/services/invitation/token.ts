import { createHash, randomBytes } from "node:crypto";

/** A new one-time token: shown once (in the email), stored only as its hash. */
export function newInvitationToken() {
  const token = randomBytes(32).toString("base64url");
  return { token, tokenHash: hashInvitationToken(token) };
}

export const hashInvitationToken = (token: string) =>
  createHash("sha256").update(token).digest("hex");

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

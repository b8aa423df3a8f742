import { createHash, randomBytes } from "node:crypto";
import { Prisma, type Tx } from "../../../platform/db/client";
import { AppError } from "../../../platform/errors";

/** Enrollment tokens and poll secrets: shown once, stored as SHA-256. */
export function newSecret(prefix: string) {
  const token = `${prefix}_${randomBytes(24).toString("base64url")}`;
  return { token, hash: hashSecret(token) };
}

export const hashSecret = (token: string) => createHash("sha256").update(token).digest("hex");

export type TokenRow = {
  id: string;
  orgId: string;
  siteId: string;
  expiresAt: Date;
  maxUses: number;
  uses: number;
  autoApprove: boolean;
  tags: string[];
  revokedAt: Date | null;
};

export function assertUsable(token: TokenRow | undefined): asserts token is TokenRow {
  if (!token) throw new AppError("UNAUTHORIZED", "This enrollment token is not valid");
  if (token.revokedAt) throw new AppError("UNAUTHORIZED", "This enrollment token was revoked");
  if (token.expiresAt <= new Date())
    throw new AppError("UNAUTHORIZED", "This enrollment token has expired");
  if (token.uses >= token.maxUses)
    throw new AppError("UNAUTHORIZED", "This enrollment token has been used up");
}

/** The token a secret names (row-level security shows only that one); with `lock`, FOR UPDATE. */
export const readToken = async (tx: Tx, tokenHash: string, lock = false) =>
  (
    await tx.$queryRaw<TokenRow[]>`
      SELECT id, "orgId", "siteId", "expiresAt", "maxUses", uses, "autoApprove", tags, "revokedAt"
      FROM enrollment_tokens WHERE "tokenHash" = ${tokenHash}
      ${lock ? Prisma.sql`FOR UPDATE` : Prisma.empty}`
  )[0];

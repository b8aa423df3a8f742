import type { Prisma } from "../../../../platform/db/client";

/** Every column a view shows; never the hash. */
export const API_KEY_SELECT = {
  id: true,
  name: true,
  prefix: true,
  scopes: true,
  allowedCidrs: true,
  expiresAt: true,
  lastUsedAt: true,
  lastUsedIp: true,
  revokedAt: true,
  createdAt: true,
  createdBy: { select: { id: true, email: true } },
} satisfies Prisma.ApiKeySelect;

type Row = Prisma.ApiKeyGetPayload<{ select: typeof API_KEY_SELECT }>;

export type ApiKeyStatus = "active" | "revoked" | "expired";

export function statusOf(
  key: { revokedAt: Date | null; expiresAt: Date | null },
  now = new Date(),
) {
  if (key.revokedAt) return "revoked" as const;
  if (key.expiresAt && key.expiresAt <= now) return "expired" as const;
  return "active" as const;
}

/** What lists and the create answer show of a key. */
export function apiKeyView(row: Row) {
  const { createdBy, ...key } = row;
  return {
    ...key,
    createdById: createdBy.id,
    createdByEmail: createdBy.email,
    status: statusOf(row) as ApiKeyStatus,
  };
}
export type ApiKeyView = ReturnType<typeof apiKeyView>;

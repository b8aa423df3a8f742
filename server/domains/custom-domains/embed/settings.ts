// An org's embed settings: which sites may frame its dashboard, and the key version its
// tokens carry. Audited; tokens are never stored (they are signed, and shown once).
import { type Actor, writeAudit } from "../../../platform/audit/write-audit";
import type { Tx } from "../../../platform/db/client";
import { env } from "../../../platform/env";
import { AppError } from "../../../platform/errors";
import { isHttps } from "../../../platform/http/security-headers";
import { MAX_EMBED_MINUTES, signEmbedToken } from "./token";

export const MAX_EMBED_ORIGINS = 10;

/** "https://www.example.com[:port]": https, a host, maybe a port, nothing after. */
export function embedOrigin(value: string, index: number): string {
  const field = `origins.${index}`;
  const bad = () =>
    new AppError("BAD_REQUEST", `${field}: an origin is https://host[:port]`, {
      [field]: "an origin is https://host[:port], nothing after it",
    });
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw bad();
  }
  // https, as the portal is in production (an https page cannot frame an http one anyway);
  // an http portal (development, tests) may be framed by http pages too.
  const schemes = isHttps(env.APP_URL) ? ["https:"] : ["https:", "http:"];
  if (!schemes.includes(url.protocol) || url.username || url.password) throw bad();
  if (url.origin !== value.trim().replace(/\/$/, "")) throw bad();
  return url.origin;
}

export async function getEmbedSettings(tx: Tx, orgId: string) {
  const row = await tx.embedSettings.findUnique({ where: { orgId } });
  return { origins: row?.origins ?? [], keyVersion: row?.keyVersion ?? 1 };
}

export async function setEmbedOrigins(tx: Tx, actor: Actor, orgId: string, input: string[]) {
  if (input.length > MAX_EMBED_ORIGINS)
    throw new AppError("BAD_REQUEST", `origins: at most ${MAX_EMBED_ORIGINS} origins`, {
      origins: `at most ${MAX_EMBED_ORIGINS} origins`,
    });
  const origins = [...new Set(input.map(embedOrigin))].sort();
  const before = await getEmbedSettings(tx, orgId);
  const row = await tx.embedSettings.upsert({
    where: { orgId },
    create: { orgId, origins },
    update: { origins },
  });
  await writeAudit(tx, actor, {
    orgId,
    action: "embed.origins",
    targetType: "organization",
    targetId: orgId,
    before: { origins: before.origins },
    after: { origins },
  });
  return { origins: row.origins, keyVersion: row.keyVersion };
}

/** Every token issued so far stops working: the version they carry is no longer current. */
export async function rotateEmbedKey(tx: Tx, actor: Actor, orgId: string) {
  const row = await tx.embedSettings.upsert({
    where: { orgId },
    create: { orgId, keyVersion: 2 },
    update: { keyVersion: { increment: 1 } },
  });
  await writeAudit(tx, actor, {
    orgId,
    action: "embed.rotate_key",
    targetType: "organization",
    targetId: orgId,
    after: { keyVersion: row.keyVersion },
  });
  return { origins: row.origins, keyVersion: row.keyVersion };
}

export async function createEmbedToken(
  tx: Tx,
  actor: Actor,
  orgId: string,
  input: { scope: "overview"; expiresInMinutes: number },
) {
  if (input.expiresInMinutes > MAX_EMBED_MINUTES)
    throw new AppError("BAD_REQUEST", "expiresInMinutes: at most 7 days", {
      expiresInMinutes: "at most 7 days (10080 minutes)",
    });
  const { keyVersion } = await getEmbedSettings(tx, orgId);
  const expiresAt = new Date(Date.now() + input.expiresInMinutes * 60_000);
  const token = signEmbedToken({
    orgId,
    scope: input.scope,
    exp: Math.floor(expiresAt.getTime() / 1000),
    keyVersion,
  });
  await writeAudit(tx, actor, {
    orgId,
    action: "embed.create_token",
    targetType: "organization",
    targetId: orgId,
    after: { scope: input.scope, expiresAt: expiresAt.toISOString(), keyVersion },
  });
  return { token, expiresAt };
}

// Signing secrets: shown once when created or rotated, stored sealed (AES-256-GCM under
// WEBHOOK_SECRET_KEY) since the server must sign with them. Never logged.
import { randomBytes } from "node:crypto";
import { seal, unseal } from "../../../platform/crypto/seal";
import { env } from "../../../platform/env";

export const newSecret = () => `whsec_${randomBytes(32).toString("base64url")}`;
export const sealSecret = (secret: string) => seal(secret, env.WEBHOOK_SECRET_KEY);
export const unsealSecret = (sealed: string) => unseal(sealed, env.WEBHOOK_SECRET_KEY).toString();

/** The secrets a delivery is signed with now: the current one, and the previous one until its window ends. */
export function liveSecrets(
  endpoint: {
    secretSealed: string;
    previousSecretSealed: string | null;
    previousExpiresAt: Date | null;
  },
  now = new Date(),
) {
  const secrets = [unsealSecret(endpoint.secretSealed)];
  if (
    endpoint.previousSecretSealed &&
    endpoint.previousExpiresAt &&
    endpoint.previousExpiresAt > now
  )
    secrets.push(unsealSecret(endpoint.previousSecretSealed));
  return secrets;
}

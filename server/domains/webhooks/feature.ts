import { defineFeature } from "../../platform/features/contract";
import { webhookPermissions } from "./permissions";

/** What the webhooks domain adds (server/features.ts): its permissions. Events are emitted by
 * every area through server/platform/events; this area delivers them. */
export const webhooksFeature = defineFeature("webhooks", () => ({
  permissions: webhookPermissions,
}));

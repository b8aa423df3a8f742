import { definePermissions } from "../../platform/tenancy/permissions";

/** Outbound webhooks: who may see and change an org's endpoints and their deliveries. */
export const webhookPermissions = definePermissions({
  "webhook.read": ["owner", "admin", "developer"],
  "webhook.write": ["owner", "admin", "developer"],
});

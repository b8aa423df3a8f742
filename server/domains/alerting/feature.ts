import { defineFeature } from "../../platform/features/contract";
import { kickEvaluation } from "./engine/schedule";
import { alertingPermissions } from "./permissions";

/** Changes that may open or resolve an incident (an audit entry or an incident's own event cannot). */
const IGNORED = new Set([
  "audit.entry",
  "incident.opened",
  "incident.acknowledged",
  "incident.resolved",
]);

/** What alerting adds (server/features.ts): permissions, and an evaluation after each change. */
export const alertingFeature = defineFeature("alerting", () => ({
  permissions: alertingPermissions,
  onChange: async (orgId: string, topic: string) => {
    if (!IGNORED.has(topic)) await kickEvaluation(orgId);
  },
}));

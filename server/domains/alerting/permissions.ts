import { definePermissions } from "../../platform/tenancy/permissions";

/** Alerting: who sees incidents, who acts on them, who changes rules, channels and windows. */
export const alertingPermissions = definePermissions({
  "incident.read": ["owner", "admin", "operator", "viewer", "developer"],
  "incident.act": ["owner", "admin", "operator"],
  "alert.read": ["owner", "admin", "operator", "viewer", "developer"],
  "alert.write": ["owner", "admin"],
});

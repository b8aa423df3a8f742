import { definePermissions } from "../../platform/tenancy/permissions";

/** SLA reports: who may read them (everyone who sees sites' health) and who sets their mail. */
export const reportsPermissions = definePermissions({
  "report.read": ["owner", "admin", "operator", "viewer"],
  "report.write": ["owner", "admin"],
});

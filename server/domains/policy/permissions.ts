import { ALL_ROLES, definePermissions } from "../../platform/tenancy/permissions";

/** Rules and steering: what traffic may do and where it goes. */
export const policyPermissions = definePermissions({
  "policy.read": ALL_ROLES,
  "policy.write": ["owner", "admin", "operator"],
});

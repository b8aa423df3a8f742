import { ALL_ROLES, definePermissions } from "../../platform/tenancy/permissions";

/** Sites, their devices, services and links: the network's shape. */
export const sitesPermissions = definePermissions({
  "site.read": ALL_ROLES,
  "site.write": ["owner", "admin", "operator"],
});

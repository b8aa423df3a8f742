import { ALL_ROLES, definePermissions } from "../../platform/tenancy/permissions";

/** White-label: everyone in an org sees its brand; owners and admins change it. */
export const brandPermissions = definePermissions({
  "brand.read": ALL_ROLES,
  "brand.update": ["owner", "admin"],
});

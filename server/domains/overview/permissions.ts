import { ALL_ROLES, definePermissions } from "../../platform/tenancy/permissions";

/** The operator's first screens: an org's overview, an MSP's customers at a glance. */
export const overviewPermissions = definePermissions({
  "overview.read": ALL_ROLES,
});

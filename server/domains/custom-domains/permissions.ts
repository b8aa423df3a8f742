import { definePermissions } from "../../platform/tenancy/permissions";

/** Custom domains and dashboard embeds: an org's public face, set up by its owners/admins. */
export const customDomainPermissions = definePermissions({
  "domain.manage": ["owner", "admin"],
  "embed.manage": ["owner", "admin"],
});

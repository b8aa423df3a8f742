import type { Role } from "../../platform/db/generated/enums";
import { ALL_ROLES, definePermissions } from "../../platform/tenancy/permissions";

/** Orgs, customers (MSP), members, the audit log and API keys. */
export const identityPermissions = definePermissions({
  "org.read": ALL_ROLES,
  "org.update": ["owner", "admin"],
  "customer.read": ALL_ROLES,
  "customer.create": ["owner", "admin"],
  "member.read": ALL_ROLES,
  "member.invite": ["owner", "admin"],
  "member.update": ["owner", "admin"],
  "member.remove": ["owner", "admin"],
  "audit.read": ["owner", "admin"],
  "apikey.read": ["owner", "admin", "developer"],
  "apikey.write": ["owner", "admin", "developer"],
});

/** Only owners may hand out or take away ownership. */
export function canAssignRole(actor: Role, target: Role): boolean {
  const updaters: readonly Role[] = identityPermissions["member.update"];
  return target === "owner" ? actor === "owner" : updaters.includes(actor);
}

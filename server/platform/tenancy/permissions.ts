import type { Role } from "../db/generated/enums";

/**
 * Permissions are data: each `resource.action` lists the roles allowed to do it.
 * The isolation matrix test (test/api/isolation-matrix.int.test.ts) checks every
 * procedure against this map, role by role.
 */
export const ROLES = ["owner", "admin", "operator", "viewer", "developer", "billing"] as const;

const ALL: readonly Role[] = ROLES;

export const PERMISSIONS = {
  "org.read": ALL,
  "org.update": ["owner", "admin"],
  "customer.read": ALL,
  "customer.create": ["owner", "admin"],
  "member.read": ALL,
  "member.invite": ["owner", "admin"],
  "member.update": ["owner", "admin"],
  "member.remove": ["owner", "admin"],
  "audit.read": ["owner", "admin"],
  // Declared now so the dashboard can show or hide what comes next.
  "site.read": ALL,
  "site.write": ["owner", "admin", "operator"],
  "policy.read": ALL,
  "policy.write": ["owner", "admin", "operator"],
  "billing.read": ["owner", "billing"],
  "billing.manage": ["owner", "billing"],
  "apikey.read": ["owner", "admin", "developer"],
  "apikey.write": ["owner", "admin", "developer"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

/** Every permission a role holds, for the UI to decide what to show. */
export function permissionsOf(role: Role): Permission[] {
  return (Object.keys(PERMISSIONS) as Permission[]).filter((p) => can(role, p));
}

/** Only owners may hand out or take away ownership. */
export function canAssignRole(actor: Role, target: Role): boolean {
  return target === "owner" ? actor === "owner" : can(actor, "member.update");
}

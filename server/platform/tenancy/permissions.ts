import type { Role } from "../db/generated/enums";

/**
 * Roles are the platform's; permissions are each area's. An area declares its permissions
 * as data in its feature (`permissions` in defineFeature: each `resource.action` lists the
 * roles allowed to do it); server/permissions.ts composes them, and the isolation matrix
 * (test/platform/api/isolation-matrix.int.test.ts) checks every procedure against the result.
 */
export const ROLES = ["owner", "admin", "operator", "viewer", "developer", "billing"] as const;

/** Every role: for permissions anyone in the org holds. */
export const ALL_ROLES: readonly Role[] = ROLES;

/** One area's permissions: `resource.action` → the roles allowed to do it. */
export type PermissionMap = Readonly<Record<string, readonly Role[]>>;

/** Checks an area's map at definition (a typo in a role name fails the type check). */
export const definePermissions = <const M extends PermissionMap>(map: M) => map;

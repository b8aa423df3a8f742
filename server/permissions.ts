// The permission map of the whole product, composed from the areas' feature records
// (server/features.ts): a new area's permissions come with its registry line.
import { type Areas, registry } from "./features";
import type { Role } from "./platform/db/generated/enums";
import type { Principal } from "./platform/tenancy/principal";

type PermissionsOf<F> = F extends { permissions: infer P } ? keyof P & string : never;

/** Every permission some area declares ("site.write"). */
export type Permission = PermissionsOf<Areas>;

const map = () => registry().permissions as Readonly<Record<Permission, readonly Role[]>>;

/** Every permission, in the order the areas declare them. */
export const allPermissions = () => Object.keys(map()) as Permission[];

export function can(role: Role, permission: Permission): boolean {
  return map()[permission]?.includes(role) ?? false;
}

/** Every permission a role holds, for the UI to decide what to show. */
export function permissionsOf(role: Role): Permission[] {
  return allPermissions().filter((p) => can(role, p));
}

/**
 * What `principal` may do in an org: a user's role decides (the permission map), an API
 * key has the scopes it was given (never more than exist), a device has none, a system job
 * all. `role` is the user's role in that org.
 */
export function scopesOf(principal: Principal, role?: Role | null): ReadonlySet<Permission> {
  switch (principal.kind) {
    case "user":
      return new Set(role ? permissionsOf(role) : []);
    case "apiKey": {
      const known = new Set<string>(allPermissions());
      return new Set(principal.scopes.filter((s): s is Permission => known.has(s)));
    }
    case "device":
      return new Set();
    case "system":
      return new Set(allPermissions());
  }
}

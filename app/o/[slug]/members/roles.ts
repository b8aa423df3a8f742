import { ROLES } from "@/server/api/shared";

export const ROLE_LABELS: Record<(typeof ROLES)[number], string> = {
  owner: "Owner",
  admin: "Admin",
  operator: "Operator",
  viewer: "Viewer",
  developer: "Developer",
  billing: "Billing",
};

/** Roles an actor may hand out: only owners grant ownership. */
export const assignableRoles = (actor: string) =>
  ROLES.filter((r) => r !== "owner" || actor === "owner");

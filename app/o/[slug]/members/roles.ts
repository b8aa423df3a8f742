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

/** The roles an actor may hand out, as the choices of a Select. */
export const roleChoices = (actor: string) =>
  assignableRoles(actor).map((r) => ({ value: r, label: ROLE_LABELS[r] }));

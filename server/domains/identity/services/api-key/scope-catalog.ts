import { allPermissions } from "../../../../permissions";

// Names people read in the scope picker; a permission of a new area that is not listed here
// still shows, under its resource's own name.
const AREAS: Record<string, string> = {
  org: "Organization",
  customer: "Customer organizations",
  member: "Members",
  audit: "Audit log",
  apikey: "API keys",
  site: "Sites and devices",
  policy: "Policies",
  billing: "Billing",
};
const ACTIONS: Record<string, string> = {
  read: "View",
  write: "Change",
  update: "Change",
  create: "Create",
  invite: "Invite",
  remove: "Remove",
  manage: "Manage",
};
const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The scopes `held` allows to grant, in the permission map's order, grouped by resource
 * ("site") with labels; `readOnly` marks the `.read` ones (the picker's read-only preset).
 */
export function scopeCatalog(held: ReadonlySet<string>) {
  return allPermissions()
    .filter((name) => held.has(name))
    .map((name) => {
      const [group = name, action = ""] = name.split(".");
      return {
        name,
        group,
        groupLabel: AREAS[group] ?? capitalised(group),
        label: ACTIONS[action] ?? capitalised(action),
        readOnly: action === "read",
      };
    });
}

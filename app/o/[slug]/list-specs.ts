// What each list of the portal takes from its URL: the procedure's sorts, its default order,
// whether it searches, and its filters. Shared by the list pages and their CSV export, so
// the file has exactly the rows the page's filters show.
import type { ListSpec } from "@/app/_components/list/list-state";

export const LIST_SPECS = {
  sites: { sorts: ["name", "createdAt"], order: "asc", search: true, filters: {} },
  devices: {
    sorts: ["hostname", "createdAt", "lastSeenAt"],
    order: "asc",
    search: true,
    filters: { status: "select", online: "bool", inSync: "bool", siteId: "text" },
  },
  "policy-rules": {
    sorts: ["priority", "createdAt"],
    order: "asc",
    search: true,
    filters: { action: "select", siteId: "text" },
  },
  "steering-policies": {
    sorts: ["priority", "name"],
    order: "asc",
    search: true,
    filters: { siteId: "text" },
  },
  rollouts: {
    sorts: ["revision", "startedAt"],
    order: "desc",
    search: false,
    filters: { status: "select" },
  },
  members: { sorts: ["createdAt"], order: "asc", search: true, filters: { role: "select" } },
  audit: {
    sorts: ["createdAt"],
    order: "desc",
    search: false,
    filters: {
      actor: "text",
      actorKind: "select",
      action: "text",
      targetType: "text",
      targetId: "text",
      since: "since",
      until: "until",
    },
  },
  "path-events": {
    sorts: ["at"],
    order: "desc",
    search: false,
    filters: { kind: "select", siteId: "text" },
  },
  // Alerting's incidents: no status in the URL means the active ones (incidentInput).
  incidents: {
    sorts: ["openedAt", "number"],
    order: "desc",
    search: false,
    filters: { status: "select", severity: "select", siteId: "text" },
  },
} as const satisfies Record<string, ListSpec>;

export type ListName = keyof typeof LIST_SPECS;

export const isListName = (name: string): name is ListName => Object.hasOwn(LIST_SPECS, name);

/** The choices of filters with a fixed set of values. */
export const CHOICES = {
  deviceStatus: ["pending", "active", "rejected", "revoked"].map((v) => ({ value: v, label: v })),
  yesNo: [
    { value: "true", label: "Yes" },
    { value: "false", label: "No" },
  ],
  ruleAction: [
    { value: "allow", label: "allow" },
    { value: "deny", label: "deny" },
  ],
  rolloutStatus: ["canary", "rolling", "completed", "halted", "superseded"].map((v) => ({
    value: v,
    label: v,
  })),
  actorKind: [
    { value: "user", label: "User" },
    { value: "apiKey", label: "API key" },
    { value: "device", label: "Device" },
    { value: "system", label: "System" },
  ],
  pathEventKind: [
    "failover",
    "failback",
    "initial",
    "path_down",
    "path_up",
    "sla_violation",
    "sla_ok",
  ].map((v) => ({ value: v, label: v.replace("_", " ") })),
  /** Without a status the list shows the active incidents: "all" asks for every one. */
  incidentStatus: [
    { value: "open", label: "Open" },
    { value: "acknowledged", label: "Acknowledged" },
    { value: "resolved", label: "Resolved" },
    { value: "all", label: "All" },
  ],
  severity: ["critical", "major", "minor", "info"].map((v) => ({ value: v, label: v })),
};

/**
 * The incidents procedure's status from the list's: none is "active" (open or acknowledged),
 * "all" is none.
 */
export function incidentStatus(status: unknown) {
  if (status === "all") return undefined;
  return typeof status === "string" && status ? status : "active";
}

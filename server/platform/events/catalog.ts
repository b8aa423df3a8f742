// The events an org's webhook endpoints can subscribe to (docs/webhooks.md lists each
// payload). A type is never renamed; a payload only gains fields.
import { z } from "zod";

export const EVENT_CATALOG = {
  "device.enrolled": "A device finished enrollment and is active",
  "device.online": "A device connected to the control plane",
  "device.offline": "A device disconnected (its last will) or fell silent",
  "path.down": "A path between two sites stopped answering probes",
  "path.up": "A path answers probes again",
  "path.failover": "Traffic of an application class moved to another path",
  "rollout.started": "A new configuration revision started rolling out",
  "rollout.completed": "Every device of a rollout applied its revision",
  "rollout.halted": "A rollout stopped because too many devices failed",
  "config.applied": "A device applied a configuration revision",
  "config.failed": "A device could not apply a configuration revision",
  "billing.state_changed": "The org's plan, subscription or payment state changed",
  "audit.entry": "Any entry of the org's audit log (every change anybody made)",
  "incident.opened": "An alert rule fired and opened an incident",
  "incident.acknowledged": "Somebody acknowledged an incident",
  "incident.resolved": "Every condition of an incident cleared, or somebody resolved it",
} as const;

export type EventType = keyof typeof EVENT_CATALOG;
export const EVENT_TYPES = Object.keys(EVENT_CATALOG) as EventType[];
export const ZEventType = z.enum(EVENT_TYPES as [EventType, ...EventType[]]);

/** What "send test" delivers: to one endpoint, whatever it subscribes to. */
export const TEST_EVENT = "webhook.test";

interface PathData {
  siteId: string;
  deviceId: string;
  /** The application class or tunnel the event is about. */
  unit: string;
  fromPath: string | null;
  toPath: string | null;
  reason: string;
  at: string;
}

interface IncidentData {
  incidentId: string;
  number: number;
  status: string;
  severity: string;
  title: string;
  rootCause: string;
  siteId: string | null;
}

/** The `data` of each event type. */
export interface EventData {
  "incident.opened": IncidentData;
  "incident.acknowledged": IncidentData;
  "incident.resolved": IncidentData;
  "device.enrolled": { deviceId: string; siteId: string; hostname: string };
  "device.online": { deviceId: string; hostname: string };
  "device.offline": { deviceId: string; hostname: string; reason: "disconnected" | "silent" };
  "path.down": PathData;
  "path.up": PathData;
  "path.failover": PathData;
  "rollout.started": { rolloutId: string; revision: number; devices: number; canary: number };
  "rollout.completed": { rolloutId: string; revision: number };
  "rollout.halted": { rolloutId: string; revision: number; reason: string };
  "config.applied": { deviceId: string; revision: number };
  "config.failed": { deviceId: string; revision: number; status: string; error: string | null };
  "billing.state_changed": { change: string; before: unknown; after: unknown };
  "audit.entry": {
    auditId: string;
    action: string;
    targetType: string;
    targetId: string | null;
    actor: { kind: string; id: string };
    before: unknown;
    after: unknown;
  };
}

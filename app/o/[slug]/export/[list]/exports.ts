// The columns of each list's CSV export, and the procedure that pages through it. The same
// procedure the page calls, with the signed-in user's caller: the same permission, tenant
// and filters.
import type { CsvValue } from "@/app/_lib/csv";
import type { createCaller } from "@/server/api/root";
import { incidentStatus, type ListName } from "../../list-specs";

export type Caller = ReturnType<typeof createCaller>;
type Input = { orgSlug: string; limit: number; cursor?: string } & Record<string, unknown>;

interface Export<Row> {
  fetch: (caller: Caller, input: Input) => Promise<{ items: Row[]; next: string | null }>;
  columns: [header: string, value: (row: Row) => CsvValue][];
}

const define = <Row>(e: Export<Row>) => e as unknown as Export<unknown>;
// The input was built from the list's spec; the procedure validates it again (a 400).
const as = (input: Input) => input as never;

export const EXPORTS: Record<ListName, Export<unknown>> = {
  sites: define({
    fetch: (c, i) => c.site.list(as(i)),
    columns: [
      ["id", (s) => s.id],
      ["name", (s) => s.name],
      ["description", (s) => s.description],
      ["devices", (s) => s.devices],
      ["online", (s) => s.online],
      ["created", (s) => s.createdAt],
    ],
  }),
  devices: define({
    fetch: (c, i) => c.device.list(as(i)),
    columns: [
      ["id", (d) => d.id],
      ["hostname", (d) => d.hostname],
      ["site", (d) => d.siteName],
      ["status", (d) => d.status],
      ["online", (d) => d.online],
      ["version", (d) => d.agentVersion],
      ["in sync", (d) => d.inSync],
      ["last seen", (d) => d.lastSeenAt],
    ],
  }),
  "policy-rules": define({
    fetch: (c, i) => c.policy.list(as(i)),
    columns: [
      ["id", (r) => r.id],
      ["priority", (r) => r.priority],
      ["site", (r) => r.siteId ?? "all"],
      ["action", (r) => r.action],
      ["source", (r) => r.src],
      ["destination", (r) => r.dst],
      ["protocol", (r) => r.proto],
      ["ports", (r) => (r.ports ? `${r.ports.lo}-${r.ports.hi}` : "")],
      ["description", (r) => r.description],
    ],
  }),
  "steering-policies": define({
    fetch: (c, i) => c.overlay.policies.list(as(i)),
    columns: [
      ["id", (p) => p.id],
      ["priority", (p) => p.priority],
      ["name", (p) => p.name],
      ["site", (p) => p.siteId ?? "all"],
      ["enabled", (p) => p.enabled],
    ],
  }),
  rollouts: define({
    fetch: (c, i) => c.rollout.list(as(i)),
    columns: [
      ["id", (r) => r.id],
      ["revision", (r) => r.revision],
      ["status", (r) => r.status],
      ["devices", (r) => r.total],
      ["succeeded", (r) => r.succeeded],
      ["failed", (r) => r.failed],
      ["rollback", (r) => r.isRollback],
      ["started", (r) => r.startedAt],
      ["finished", (r) => r.finishedAt],
    ],
  }),
  members: define({
    fetch: (c, i) => c.member.list(as(i)),
    columns: [
      ["email", (m) => m.email],
      ["name", (m) => m.name],
      ["role", (m) => m.role],
      ["joined", (m) => m.createdAt],
    ],
  }),
  audit: define({
    fetch: (c, i) => c.audit.list(as(i)),
    columns: [
      ["when", (e) => e.createdAt],
      ["actor kind", (e) => e.actorKind],
      ["actor", (e) => e.actorEmail ?? e.actorId],
      ["action", (e) => e.action],
      ["target type", (e) => e.targetType],
      ["target id", (e) => e.targetId],
      ["before", (e) => (e.before == null ? "" : JSON.stringify(e.before))],
      ["after", (e) => (e.after == null ? "" : JSON.stringify(e.after))],
    ],
  }),
  "path-events": define({
    fetch: (c, i) => c.overlay.incidents(as(i)),
    columns: [
      ["when", (e) => e.at],
      ["kind", (e) => e.kind],
      ["device", (e) => e.device.hostname],
      ["unit", (e) => e.unitName],
      ["remote site", (e) => e.remoteSite?.name],
      ["from path", (e) => e.fromPath],
      ["to path", (e) => e.toPath],
      ["reason", (e) => e.reason],
    ],
  }),
  incidents: define({
    fetch: (c, i) => c.incidents.list(as({ ...i, status: incidentStatus(i.status) })),
    columns: [
      ["number", (i) => i.number],
      ["severity", (i) => i.severity],
      ["status", (i) => i.status],
      ["title", (i) => i.title],
      ["site", (i) => i.siteName],
      ["opened", (i) => i.openedAt],
      ["acknowledged", (i) => i.acknowledgedAt],
      ["acknowledged by", (i) => i.acknowledgedBy],
      ["resolved", (i) => i.resolvedAt],
      ["muted until", (i) => i.mutedUntil],
      ["suppressed", (i) => i.suppressed],
      ["active conditions", (i) => i.active],
      ["root cause", (i) => i.rootCause],
    ],
  }),
};

import { randomBytes } from "node:crypto";
import type { Prisma, Tx } from "../db/client";
import { emitEvents } from "../events/emit-event";
import type { Principal } from "../tenancy/principal";

/** An id of the shape of Prisma's cuid() ids (what the column's default made before). */
const newAuditId = () => `c${Date.now().toString(36)}${randomBytes(8).toString("hex")}`;

/** Who did it: any principal (a user, an API key, a device, a system job). */
export type Actor = Principal;
/** For what only a person can do (accept an invitation, own an org, be billed). */
export type UserActor = Extract<Principal, { kind: "user" }>;

export interface AuditEntry {
  orgId: string;
  action: string;
  targetType: string;
  targetId?: string | null;
  before?: Prisma.InputJsonValue | null;
  after?: Prisma.InputJsonValue | null;
}

/**
 * Every mutation calls this inside its own transaction, so the log never disagrees. The
 * entry is also an `audit.entry` webhook event, in the same transaction.
 */
export async function writeAudit(tx: Tx, actor: Actor, entry: AuditEntry) {
  await writeAudits(tx, entry.orgId, [{ actor, entry }]);
}

/**
 * writeAudit for many entries of one org at once (a batch of enrollments): one insert for
 * the entries, one for their `audit.entry` events.
 */
export async function writeAudits(
  tx: Tx,
  orgId: string,
  entries: readonly { actor: Actor; entry: Omit<AuditEntry, "orgId"> }[],
) {
  if (entries.length === 0) return;
  const rows = entries.map(({ actor, entry }) => ({
    id: newAuditId(),
    orgId,
    actorKind: actor.kind,
    actorId: actor.id,
    actorEmail: actor.kind === "user" ? actor.email : null,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId ?? null,
    // Absent, not JSON null: the column is then SQL NULL, as Prisma wrote it.
    before: entry.before ?? undefined,
    after: entry.after ?? undefined,
  }));
  // One JSON parameter for all rows: Prisma's createMany of a batch's entries costs far
  // more CPU to compile than the insert itself.
  await tx.$executeRaw`
    INSERT INTO audit_logs (id, "orgId", "actorKind", "actorId", "actorEmail", action,
      "targetType", "targetId", before, after)
    SELECT id, "orgId", "actorKind", "actorId", "actorEmail", action,
      "targetType", "targetId", before, after
    FROM jsonb_populate_recordset(NULL::audit_logs, ${JSON.stringify(rows)}::jsonb)`;
  await emitEvents(
    tx,
    orgId,
    "audit.entry",
    entries.map(({ actor, entry }, i) => ({
      auditId: (rows[i] as { id: string }).id,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId ?? null,
      actor: { kind: actor.kind, id: actor.id },
      before: entry.before ?? null,
      after: entry.after ?? null,
    })),
  );
}

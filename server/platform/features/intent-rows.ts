// The one CRUD helper of intent rows (a policy rule, a port forward, an overlay link, an
// SLA class, ...): what every write of one kind of row does around its own rules: find the
// row in the org or NOT_FOUND, refuse a name another row of the org has (CONFLICT), and
// end with an audit entry and a new revision, so that the change rolls out.

import { z } from "zod";
import { zText } from "../../../protocol/text";
import { type Actor, writeAudit } from "../audit/write-audit";
import type { Prisma, Tx } from "../db/client";
import { AppError, notFound } from "../errors";

/**
 * What makes a change roll out: a new revision of the org's intent. The fleet domain owns
 * revisions and sets this when its revision module loads (every area that writes intent
 * imports the fleet domain, so it is set before any write).
 */
export type Reviser = (
  tx: Tx,
  orgId: string,
  actor: Actor | null,
  reason: string,
  opts?: { allowReadOnly?: boolean },
) => Promise<number>;

let reviser: Reviser | undefined;

export function setIntentReviser(fn: Reviser) {
  reviser = fn;
}

/** A Prisma model of org rows (tx.userGroup, tx.slaClass, …), as far as the helpers use it. */
interface OrgRows<Row> {
  findUnique(args: { where: { id: string; orgId: string } }): PromiseLike<Row | null>;
  findFirst?(args: {
    where: { orgId: string; name: string; id?: { not: string } };
    select: { id: true };
  }): PromiseLike<{ id: string } | null>;
}

/** The org's rows other than `except` (the one being edited; none when adding). */
export const othersInOrg = (orgId: string, except?: string) => ({
  orgId,
  ...(except ? { id: { not: except } } : {}),
});

/** The CONFLICT of a name already taken; `noun` with its article ("an SLA class"). */
export const nameTaken = (noun: string, name: string) =>
  new AppError("CONFLICT", `There is already ${noun} named ${name}`, {
    name: `already used by another ${noun.replace(/^an? /, "")}`,
  });

/** What a router answers for a write of an intent row: the row, and the revision it made. */
export const ZWriteResult = z.object({ id: zText(), revision: z.number() });
/** ...and for a removal or a change that names no new row. */
export const ZRevisionResult = z.object({ revision: z.number() });

export interface IntentChange {
  /** The row written. */
  id: string;
  before?: Prisma.InputJsonValue;
  after?: Prisma.InputJsonValue;
  /** Why the revision changed, as the rollouts page shows it ("user group x added"). */
  reason: string;
}

/**
 * One kind of intent row. `noun` has its article ("a user group": "User group not found",
 * "There is already a user group named …"); `audit` and `targetType` name its audit
 * entries ("overlay.group" → overlay.group.create on a user_group).
 */
export function intentRows<Row>(kind: {
  model: (tx: Tx) => OrgRows<Row>;
  noun: string;
  audit: string;
  targetType: string;
}) {
  // "a user group" → "User group", as NOT_FOUND names it.
  const bare = kind.noun.replace(/^an? /, "");
  const what = bare.charAt(0).toUpperCase() + bare.slice(1);
  return {
    noun: kind.noun,

    /** The row `id` of the org, or NOT_FOUND: another org's id is as unknown as a made-up one. */
    async find(tx: Tx, orgId: string, id: string): Promise<Row> {
      const row = await kind.model(tx).findUnique({ where: { id, orgId } });
      if (!row) throw notFound(what);
      return row;
    },

    /** Names are unique per org: CONFLICT when another row (not `except`) has this one. */
    async assertNameFree(tx: Tx, orgId: string, name: string, except?: string) {
      const model = kind.model(tx);
      if (!model.findFirst) throw new Error(`${kind.noun} rows have no names`);
      const clash = await model.findFirst({
        where: { ...othersInOrg(orgId, except), name },
        select: { id: true },
      });
      if (clash) throw nameTaken(kind.noun, name);
    },

    /**
     * The end of every write: its audit entry, then the org's new revision (returned).
     * `revision` is passed to the reviser (READ_ONLY_OK for a removal).
     */
    async record(
      tx: Tx,
      actor: Actor,
      orgId: string,
      verb: "create" | "update" | "delete",
      change: IntentChange,
      revision?: { allowReadOnly?: boolean },
    ): Promise<number> {
      await writeAudit(tx, actor, {
        orgId,
        action: `${kind.audit}.${verb}`,
        targetType: kind.targetType,
        targetId: change.id,
        before: change.before,
        after: change.after,
      });
      if (!reviser) throw new Error("no intent reviser: the fleet domain is not loaded");
      return reviser(tx, orgId, actor, change.reason, revision);
    },
  };
}

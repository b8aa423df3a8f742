// The org's fleet lock: one rule that keeps the fleet's writers from deadlocking. They
// write the same rows (devices, fleet_revisions, rollouts) in different orders: a compile
// moves the revision it compiled and then the devices it changed; the ingest writes devices
// in whatever order a batch holds them, then bumps the revision when a tunnel key changed;
// revoking a device writes the device, then the revision. Row locks taken in such orders
// deadlock (PostgreSQL aborts one side with 40P01). So every transaction that writes more
// than one of an org's device rows, or a device row and then the revision, takes this
// transaction-scoped advisory lock first, before any row lock: those writers then run one
// at a time per org and never wait on each other's rows. Writers of a single row that take
// no second lock (enrollment, a certificate renewal, approving a device) need not.
// test/fleet/lock-order.int.test.ts races them all.
import type { Tx } from "../../platform/db/client";

/** Waits for the org's fleet lock; it is released when the transaction ends. */
export async function lockOrgFleet(tx: Tx, orgId: string) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('fleet-compile'), hashtext(${orgId}))`;
}

/** Takes the org's fleet lock if no other transaction holds it; says whether it did. */
export async function tryLockOrgFleet(tx: Tx, orgId: string): Promise<boolean> {
  const [row] = await tx.$queryRaw<{ locked: boolean }[]>`
    SELECT pg_try_advisory_xact_lock(hashtext('fleet-compile'), hashtext(${orgId})) AS locked`;
  return row?.locked === true;
}

// Enrollment of a batch of devices on one token at once (group commit,
// platform/db/commit-batch.ts): one transaction reads the token and the org's CA, signs
// every member's certificate (the CA's key stays unsealed in the process), writes every
// device, then, as its last statements, takes the token's uses and the org's device quota —
// the two things all enrollments of an org wait on — once for the whole batch. Members the
// token or the plan cannot take are removed again and get their own 4xx; the others commit.

import { deviceIdentity, type EnrollRequest } from "../../../../protocol";
import { writeAudits } from "../../../platform/audit/write-audit";
import type { Db, Tx } from "../../../platform/db/client";
import { type CommitBatcher, commitBatcher, type Outcome } from "../../../platform/db/commit-batch";
import { setTxOrg, withScope } from "../../../platform/db/with-tenant";
import { AppError } from "../../../platform/errors";
import { emitEvents } from "../../../platform/events/emit-event";
import { log } from "../../../platform/log/logger";
import { BROKER_AFTER_COMMIT_MS, settleWithin } from "../../../platform/settle";
import { takeQuota } from "../../billing";
import { compiledDesires, desireCompiled, publishPending } from "../compile/publish";
import { lockOrgFleet } from "../fleet-lock";
import type { IssuedCert } from "../pki/ca";
import type { DeviceCsr } from "../pki/device-csr";
import { ensureOrgCa, signDeviceCert } from "./org-ca";
import { assertUsable, readToken, type TokenRow } from "./tokens";

export interface EnrollItem {
  req: EnrollRequest;
  /** req.csr, checked. */
  csr: DeviceCsr;
  tokenHash: string;
  deviceId: string;
  pollHash: string;
}

/** What a member of a batch gets: its certificate when the token auto-approves. */
export interface Enrolled {
  orgId: string;
  cert: IssuedCert | null;
  caPem: string;
}

/** Limits of the batch's transaction: a lock or pool wait past these is a busy 503. */
const WRITE_TX = { timeoutMs: 10_000, maxWaitMs: 5_000, lockTimeoutMs: 5_000 };
/** Enough to take a whole admission gate's worth of enrollments in one commit. */
const MAX_BATCH = 64;
const GATHER_MS = 3;
/** Two batches of a token at once: one signs and writes while the other waits to commit. */
const IN_FLIGHT = 2;

/** What the agent declared; for an agent too old to declare anything, what the columns default to. */
const capabilitiesOf = (it: EnrollItem) =>
  it.req.capabilities
    ? { capabilityVersion: it.req.capabilities.version, sections: it.req.capabilities.sections }
    : { capabilityVersion: null, sections: [] as string[] };

async function writeDevices(
  tx: Tx,
  token: TokenRow,
  items: EnrollItem[],
  certs: (IssuedCert | null)[],
) {
  const orgId = token.orgId;
  const desires = token.autoApprove
    ? await compiledDesires(
        tx,
        orgId,
        items.map((it) => ({ id: it.deviceId, siteId: token.siteId, ...capabilitiesOf(it) })),
      )
    : items.map(() => null);
  const approvedAt = token.autoApprove ? new Date() : null;
  const devices = items.map((it, i) => ({
    id: it.deviceId,
    orgId,
    siteId: token.siteId,
    hostname: it.req.hostname,
    agentVersion: it.req.agentVersion ?? null,
    ...capabilitiesOf(it),
    tags: token.tags,
    tokenId: token.id,
    status: token.autoApprove ? "active" : "pending",
    approvedAt,
    pendingCsr: token.autoApprove ? null : it.req.csr,
    pollTokenHash: token.autoApprove ? null : it.pollHash,
    certSerial: certs[i]?.serial ?? null,
    certNotAfter: certs[i]?.notAfter ?? null,
    desiredRevision: desires[i]?.desiredRevision ?? 0,
    desiredHash: desires[i]?.desiredHash ?? null,
  }));
  // One parameter for all rows (the JSON of them), not Prisma's createMany: compiling a
  // createMany of a batch's rows cost more CPU than everything else an enrollment does.
  await tx.$executeRaw`
    INSERT INTO devices (id, "orgId", "siteId", hostname, "agentVersion", "capabilityVersion",
      sections, tags, "tokenId", status, "approvedAt", "pendingCsr", "pollTokenHash",
      "certSerial", "certNotAfter", "desiredRevision", "desiredHash", "updatedAt")
    SELECT id, "orgId", "siteId", hostname, "agentVersion", "capabilityVersion",
      sections, tags, "tokenId", status, "approvedAt", "pendingCsr", "pollTokenHash",
      "certSerial", "certNotAfter", "desiredRevision", "desiredHash", now()
    FROM jsonb_populate_recordset(NULL::devices, ${JSON.stringify(devices)}::jsonb)`;
  const signed = items.flatMap((it, i) => {
    const cert = certs[i];
    return cert
      ? [
          {
            serial: cert.serial,
            orgId,
            deviceId: it.deviceId,
            pem: cert.certPem,
            notBefore: cert.notBefore,
            notAfter: cert.notAfter,
          },
        ]
      : [];
  });
  if (signed.length > 0)
    await tx.$executeRaw`
      INSERT INTO device_certificates (serial, "orgId", "deviceId", pem, "notBefore", "notAfter")
      SELECT serial, "orgId", "deviceId", pem, "notBefore", "notAfter"
      FROM jsonb_populate_recordset(NULL::device_certificates, ${JSON.stringify(signed)}::jsonb)`;
  return desires.map((d) => d?.desiredRevision ?? 0);
}

/** How many of `wanted` the token still allows, or why it allows none. */
async function tokenRoom(tx: Tx, tokenHash: string, wanted: number) {
  const row = await readToken(tx, tokenHash, true);
  try {
    assertUsable(row);
    return { room: Math.min(wanted, row.maxUses - row.uses), refusal: null };
  } catch (error) {
    return { room: 0, refusal: error };
  }
}

/** Signs the members' certificates with the org's CA (none for a token that needs approval). */
async function signAll(
  token: TokenRow,
  ca: { certPem: string; keyEnc: string },
  items: EnrollItem[],
) {
  if (!token.autoApprove) return items.map(() => null);
  return Promise.all(
    items.map((it) =>
      signDeviceCert(ca, it.req.csr, deviceIdentity(token.orgId, it.deviceId), it.csr),
    ),
  );
}

async function enrollBatch(db: Db, tokenHash: string, items: EnrollItem[]) {
  const done = await withScope(
    db,
    { enrollTokenHash: tokenHash },
    async (tx) => {
      // Refused as a whole (each member hears why) when the token cannot work.
      const token = await readToken(tx, tokenHash);
      assertUsable(token);
      const orgId = token.orgId;
      // The row's org is the one writes are checked against (RLS WITH CHECK).
      await setTxOrg(tx, orgId);
      // An org gets its CA with its first site; one made before that is created here.
      const ca = await ensureOrgCa(tx, orgId);
      const certs = await signAll(token, ca, items);
      const desired = await writeDevices(tx, token, items, certs);

      // The contended part, last: the token's row and the org's quota lock.
      const byToken = await tokenRoom(tx, tokenHash, items.length);
      const usedUp = "This enrollment token has been used up";
      const refusals: unknown[] = items.map((_, i) =>
        i < byToken.room ? null : (byToken.refusal ?? new AppError("UNAUTHORIZED", usedUp)),
      );
      if (byToken.room < items.length) await removeRefused(tx, orgId, items, refusals);
      if (byToken.room > 0) {
        // Refused with a clear 402 (the agent shows it) past the plan's device limit.
        const quota = await takeQuota(tx, orgId, "devices", byToken.room);
        for (let i = quota.granted; i < byToken.room; i++) refusals[i] = quota.refusal;
        if (quota.granted < byToken.room) await removeRefused(tx, orgId, items, refusals);
        await tx.$executeRaw`
          UPDATE enrollment_tokens SET uses = uses + ${quota.granted} WHERE id = ${token.id}`;
      }
      const granted = items.filter((_, i) => refusals[i] === null);
      await recordEnrolled(tx, token, granted);
      return { token, caPem: ca.certPem, certs, desired, refusals };
    },
    WRITE_TX,
  );
  const { token, refusals } = done;
  const outcomes = items.map((_, i): Outcome<Enrolled> => {
    const error = refusals[i];
    if (error !== null) return { ok: false, error };
    return {
      ok: true,
      value: { orgId: token.orgId, cert: done.certs[i] ?? null, caPem: done.caPem },
    };
  });
  if (token.autoApprove) {
    const active = items.flatMap((it, i) =>
      outcomes[i]?.ok ? [{ id: it.deviceId, desired: done.desired[i] ?? 0 }] : [],
    );
    await afterEnrolled(db, token.orgId, active);
  }
  return outcomes;
}

async function removeRefused(tx: Tx, orgId: string, items: EnrollItem[], refusals: unknown[]) {
  const ids = items.flatMap((it, i) => (refusals[i] === null ? [] : [it.deviceId]));
  // Their certificates go with them (ON DELETE CASCADE).
  await tx.device.deleteMany({ where: { orgId, id: { in: ids } } });
}

/** The audit entries and events of the devices that enrolled (one insert each). */
async function recordEnrolled(tx: Tx, token: TokenRow, granted: EnrollItem[]) {
  const orgId = token.orgId;
  const status = token.autoApprove ? "active" : "pending";
  // Each device enrolls itself, vouched for by the token recorded beside it.
  await writeAudits(
    tx,
    orgId,
    granted.map((it) => ({
      actor: { kind: "device" as const, id: it.deviceId, orgId },
      entry: {
        action: "device.enroll",
        targetType: "device",
        targetId: it.deviceId,
        after: { hostname: it.req.hostname, status, tokenId: token.id },
      },
    })),
  );
  await emitEvents(
    tx,
    orgId,
    "device.enrolled",
    status === "active"
      ? granted.map((it) => ({
          deviceId: it.deviceId,
          siteId: token.siteId,
          hostname: it.req.hostname,
        }))
      : [],
  );
}

/**
 * Committed: from here on nothing may fail the answers (a retry would take another use).
 * Devices whose desire was computed before a compile that then missed them catch up with
 * it, and each device's config is published (these devices only: publishing the whole org
 * made enrolling N devices cost O(N²) publishes).
 */
async function afterEnrolled(db: Db, orgId: string, devices: { id: string; desired: number }[]) {
  if (devices.length === 0) return;
  await catchUpWithCompile(db, orgId, devices).catch((error: Error) =>
    log.warn("enrolled devices not caught up with the compile; the next one includes them", {
      orgId,
      devices: devices.length,
      error: error.message,
    }),
  );
  await settleWithin(
    publishPending(
      db,
      orgId,
      devices.map((d) => d.id),
    ),
    BROKER_AFTER_COMMIT_MS,
  );
}

/**
 * A device's desire was computed in the batch's transaction. A compile that was pending
 * then and read the org's devices before that commit did not include it: once the compile
 * has finished (its fleet lock is free), the device desires what it compiled. When no
 * compile is pending (the usual case) there is nothing to catch up with.
 */
async function catchUpWithCompile(
  db: Db,
  orgId: string,
  devices: { id: string; desired: number }[],
) {
  await withScope(
    db,
    { orgId },
    async (tx) => {
      const fr = await tx.fleetRevision.findUnique({ where: { orgId } });
      const behind = devices.filter((d) => fr && fr.revision > d.desired).map((d) => d.id);
      if (behind.length === 0) return;
      await lockOrgFleet(tx, orgId);
      await desireCompiled(tx, orgId, behind);
    },
    WRITE_TX,
  );
}

const batchers = new WeakMap<Db, CommitBatcher<EnrollItem, Enrolled>>();

/** Enrolls one device together with the others arriving on the same token in this process. */
export function enrollTogether(db: Db, item: EnrollItem): Promise<Enrolled> {
  let batcher = batchers.get(db);
  if (!batcher) {
    batcher = commitBatcher<EnrollItem, Enrolled>({
      maxItems: MAX_BATCH,
      gatherMs: GATHER_MS,
      maxInFlight: IN_FLIGHT,
      commit: (tokenHash, items) => enrollBatch(db, tokenHash, items),
    });
    batchers.set(db, batcher);
  }
  return batcher.submit(item.tokenHash, item);
}

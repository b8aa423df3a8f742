// Zero-touch enrollment, as served at POST /api/fleet/enroll and /api/fleet/enroll/poll.
// The caller has no session and no certificate: the enrollment token (or a pending
// device's poll secret) is its only credential, and row-level security lets it see just
// the row that secret names.

import { randomBytes } from "node:crypto";
import { deviceIdentity, type EnrollRequest, type EnrollResponse } from "../../../../protocol";
import { x509 } from "../../../../protocol/crypto/x509";
import { writeAudit } from "../../../platform/audit/write-audit";
import type { Db, Tx } from "../../../platform/db/client";
import { setTxOrg, withScope } from "../../../platform/db/with-tenant";
import { env } from "../../../platform/env";
import { AppError } from "../../../platform/errors";
import { emitEvent } from "../../../platform/events/emit-event";
import { log } from "../../../platform/log/logger";
import { BROKER_AFTER_COMMIT_MS, settleWithin } from "../../../platform/settle";
import { assertQuota } from "../../billing";
import { compiledDesire, desireCompiled, publishPending } from "../compile/publish";
import { lockOrgFleet } from "../fleet-lock";
import { checkDeviceCsr, PkiError } from "../pki/ca";
import { ensurePlatformPki } from "../pki/platform";
import { ensureOrgCa, recordDeviceCert, signDeviceCert } from "./org-ca";
import { hashSecret, newSecret } from "./tokens";

const POLL_SECONDS = 5;

// The platform CA does not change while a process runs: read it once, not per enrollment.
let platformCa: Promise<string> | undefined;

async function brokerInfo() {
  platformCa ??= ensurePlatformPki(env.FLEET_PKI_DIR, env.FLEET_MASTER_KEY)
    .then((pki) => pki.caPem)
    .catch((e) => {
      platformCa = undefined;
      throw e;
    });
  return { url: env.FLEET_AGENT_MQTT_URL || env.FLEET_MQTT_URL, serverCa: await platformCa };
}

/** The whole CSR check up front: a CSR the CA would refuse is bad input, not a 500. */
async function assertCsr(csrPem: string) {
  try {
    new x509.Pkcs10CertificateRequest(csrPem);
  } catch {
    throw new AppError("BAD_REQUEST", "csr is not a PEM certificate signing request");
  }
  await checkDeviceCsr(csrPem).catch((e: unknown) => {
    throw e instanceof PkiError ? new AppError("BAD_REQUEST", e.message) : e;
  });
}

type TokenRow = {
  id: string;
  orgId: string;
  siteId: string;
  expiresAt: Date;
  maxUses: number;
  uses: number;
  autoApprove: boolean;
  tags: string[];
  revokedAt: Date | null;
};

/**
 * Limits of the enrollment's transactions. Enrollments of one org serialise on their token
 * row and the org's quota lock, so the transaction that takes them is a handful of short
 * statements: key unsealing and signing, the config computation and the CA's creation all
 * happen before it. A lock or pool wait past these is a busy 503 with Retry-After (the
 * agent comes back), never a 500; the defaults (5 s, 2 s) are not relied on.
 */
const READ_TX = { timeoutMs: 10_000, maxWaitMs: 5_000 };
const WRITE_TX = { timeoutMs: 10_000, maxWaitMs: 5_000, lockTimeoutMs: 5_000 };

/** A device id like Prisma's cuid() ids ([a-z0-9], fits the identity's pattern): enrollment
 * needs it before the row exists, to sign the certificate that names it. */
const newDeviceId = () => `c${Date.now().toString(36)}${randomBytes(10).toString("hex")}`;

function assertUsable(token: TokenRow | undefined): asserts token is TokenRow {
  if (!token) throw new AppError("UNAUTHORIZED", "This enrollment token is not valid");
  if (token.revokedAt) throw new AppError("UNAUTHORIZED", "This enrollment token was revoked");
  if (token.expiresAt <= new Date())
    throw new AppError("UNAUTHORIZED", "This enrollment token has expired");
  if (token.uses >= token.maxUses)
    throw new AppError("UNAUTHORIZED", "This enrollment token has been used up");
}

const readToken = async (tx: Tx, tokenHash: string) =>
  (
    await tx.$queryRaw<TokenRow[]>`
      SELECT id, "orgId", "siteId", "expiresAt", "maxUses", uses, "autoApprove", tags, "revokedAt"
      FROM enrollment_tokens WHERE "tokenHash" = ${tokenHash}`
  )[0];

export async function enroll(db: Db, req: EnrollRequest): Promise<EnrollResponse> {
  await assertCsr(req.csr);
  const tokenHash = hashSecret(req.token);
  const scope = { enrollTokenHash: tokenHash };
  const deviceId = newDeviceId();
  const capabilities = req.capabilities
    ? { capabilityVersion: req.capabilities.version, sections: req.capabilities.sections }
    : { capabilityVersion: null, sections: [] as string[] };

  // 1. Without locks: the token (refused early when it cannot work), the org's CA and the
  //    config the device will desire. These reads may be a moment stale; step 3 re-checks
  //    what must hold at commit (the token's uses, the quota).
  const pre = await withScope(
    db,
    scope,
    async (tx) => {
      const token = await readToken(tx, tokenHash);
      assertUsable(token);
      await setTxOrg(tx, token.orgId);
      const ca = await tx.fleetCa.findUnique({ where: { orgId: token.orgId } });
      const desire = token.autoApprove
        ? await compiledDesire(tx, token.orgId, {
            id: deviceId,
            siteId: token.siteId,
            ...capabilities,
          })
        : null;
      return { token, ca, desire };
    },
    READ_TX,
  );
  const { token, desire } = pre;
  const orgId = token.orgId;
  // An org gets its CA with its first site; one made before that is created here, in a
  // transaction of its own.
  const ca = pre.ca ?? (await withScope(db, { orgId }, (tx) => ensureOrgCa(tx, orgId), READ_TX));

  // 2. The CA's work, outside any transaction: unseal its key, sign.
  const identity = deviceIdentity(orgId, deviceId);
  const cert = token.autoApprove ? await signDeviceCert(ca, req.csr, identity) : null;

  // 3. The short transaction: take a use of the token, check the quota, write the rows.
  const poll = newSecret("ppl");
  const result = await withScope(
    db,
    scope,
    async (tx) => {
      // The row's org is the one writes are checked against (RLS WITH CHECK).
      await setTxOrg(tx, orgId);
      // Only if still usable: a conditional update, so concurrent enrollments never pass
      // maxUses and a token revoked meanwhile stops here.
      const used = await tx.$executeRaw`
        UPDATE enrollment_tokens SET uses = uses + 1
        WHERE id = ${token.id} AND "tokenHash" = ${tokenHash} AND uses < "maxUses"
          AND "revokedAt" IS NULL AND "expiresAt" > now()`;
      if (used === 0) {
        // Say why: used up, revoked or expired since step 1.
        assertUsable(await readToken(tx, tokenHash));
        throw new AppError("UNAUTHORIZED", "This enrollment token is not valid");
      }
      // Refused with a clear 402 (the agent shows it) when the plan's device limit is reached.
      await assertQuota(tx, orgId, "devices", 1);
      const device = await tx.device.create({
        data: {
          id: deviceId,
          orgId,
          siteId: token.siteId,
          hostname: req.hostname,
          agentVersion: req.agentVersion ?? null,
          ...(req.capabilities ? capabilities : {}),
          tags: token.tags,
          tokenId: token.id,
          status: token.autoApprove ? "active" : "pending",
          approvedAt: token.autoApprove ? new Date() : null,
          pendingCsr: token.autoApprove ? null : req.csr,
          pollTokenHash: token.autoApprove ? null : poll.hash,
          ...(desire ?? {}),
        },
      });
      if (cert) await recordDeviceCert(tx, orgId, deviceId, cert);
      // The device enrolls itself, vouched for by the token recorded beside it.
      await writeAudit(
        tx,
        { kind: "device", id: device.id, orgId },
        {
          orgId,
          action: "device.enroll",
          targetType: "device",
          targetId: device.id,
          after: { hostname: device.hostname, status: device.status, tokenId: token.id },
        },
      );
      if (device.status === "active")
        await emitEvent(tx, orgId, "device.enrolled", {
          deviceId: device.id,
          siteId: device.siteId,
          hostname: device.hostname,
        });
      return device.id;
    },
    WRITE_TX,
  );
  if (!cert) {
    return {
      status: "pending" as const,
      deviceId: result,
      pollToken: poll.token,
      retryAfterSeconds: POLL_SECONDS,
    };
  }
  // Committed: from here on nothing may fail the answer (a retry would take another use).
  await catchUpWithCompile(db, orgId, deviceId, desire?.desiredRevision ?? 0).catch(
    (error: Error) =>
      log.warn("enrolled device not caught up with the compile; the next one includes it", {
        orgId,
        deviceId,
        error: error.message,
      }),
  );
  // This device only: the others' pending states have triggers of their own (compile,
  // rollout advance, coming online), and publishing the whole org here made enrolling N
  // devices cost O(N²) publishes.
  await settleWithin(publishPending(db, orgId, [deviceId]), BROKER_AFTER_COMMIT_MS);
  return {
    status: "active" as const,
    deviceId,
    identity,
    certificate: cert.certPem,
    caChain: ca.certPem,
    notAfter: cert.notAfter.toISOString(),
    broker: await brokerInfo(),
  };
}

/**
 * The device's desire was computed before its row was committed. A compile that was
 * pending then and read the org's devices before that commit did not include it: once the
 * compile has finished (its fleet lock is free), the device desires what it compiled. When
 * no compile is pending (the usual case) there is nothing to catch up with.
 */
async function catchUpWithCompile(db: Db, orgId: string, deviceId: string, desired: number) {
  await withScope(
    db,
    { orgId },
    async (tx) => {
      const fr = await tx.fleetRevision.findUnique({ where: { orgId } });
      if (!fr || fr.revision <= desired) return;
      await lockOrgFleet(tx, orgId);
      await desireCompiled(tx, orgId, [deviceId]);
    },
    WRITE_TX,
  );
}

/** A pending device asks whether it was approved. The poll secret works once more after. */
export async function pollEnrollment(
  db: Db,
  req: { deviceId: string; pollToken: string },
): Promise<EnrollResponse> {
  const pollHash = hashSecret(req.pollToken);
  return withScope(
    db,
    { enrollTokenHash: pollHash },
    async (tx) => {
      const device = await tx.device.findFirst({
        where: { id: req.deviceId, pollTokenHash: pollHash },
      });
      if (!device) throw new AppError("UNAUTHORIZED", "Unknown device or poll token");
      if (device.status === "pending") {
        return {
          status: "pending",
          deviceId: device.id,
          pollToken: req.pollToken,
          retryAfterSeconds: POLL_SECONDS,
        };
      }
      await setTxOrg(tx, device.orgId);
      // The secret has done its job: the device now has a certificate, or never will.
      await tx.device.update({
        where: { id: device.id, orgId: device.orgId },
        data: { pollTokenHash: null },
      });
      if (device.status !== "active") {
        return { status: "rejected", deviceId: device.id, reason: `device was ${device.status}` };
      }
      const cert = await tx.deviceCertificate.findFirst({
        where: { orgId: device.orgId, deviceId: device.id, revokedAt: null },
        orderBy: { createdAt: "desc" },
      });
      const ca = await tx.fleetCa.findUnique({ where: { orgId: device.orgId } });
      if (!cert || !ca) throw new AppError("CONFLICT", "The device has no certificate yet");
      return {
        status: "active",
        deviceId: device.id,
        identity: deviceIdentity(device.orgId, device.id),
        certificate: cert.pem,
        caChain: ca.certPem,
        notAfter: cert.notAfter.toISOString(),
        broker: await brokerInfo(),
      };
    },
    READ_TX,
  );
}

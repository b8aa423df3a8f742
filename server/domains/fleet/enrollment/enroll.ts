// Zero-touch enrollment, as served at POST /api/fleet/enroll and /api/fleet/enroll/poll.
// The caller has no session and no certificate: the enrollment token (or a pending
// device's poll secret) is its only credential, and row-level security lets it see just
// the row that secret names.

import { deviceIdentity, type EnrollRequest, type EnrollResponse } from "../../../../protocol";
import { x509 } from "../../../../protocol/crypto/x509";
import { writeAudit } from "../../../platform/audit/write-audit";
import type { Db, Tx } from "../../../platform/db/client";
import { setTxOrg, withScope } from "../../../platform/db/with-tenant";
import { env } from "../../../platform/env";
import { AppError } from "../../../platform/errors";
import { assertQuota } from "../../billing";
import { desireCompiled, publishPending } from "../compile/publish";
import { checkDeviceCsr, PkiError } from "../pki/ca";
import { ensurePlatformPki } from "../pki/platform";
import { issueDeviceCert } from "./org-ca";
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

export async function enroll(db: Db, req: EnrollRequest): Promise<EnrollResponse> {
  await assertCsr(req.csr);
  const tokenHash = hashSecret(req.token);
  const result = await withScope(db, { enrollTokenHash: tokenHash }, async (tx) => {
    const [token] = await tx.$queryRaw<TokenRow[]>`
      SELECT id, "orgId", "siteId", "expiresAt", "maxUses", uses, "autoApprove", tags, "revokedAt"
      FROM enrollment_tokens WHERE "tokenHash" = ${tokenHash} FOR UPDATE`;
    if (!token) throw new AppError("UNAUTHORIZED", "This enrollment token is not valid");
    if (token.revokedAt) throw new AppError("UNAUTHORIZED", "This enrollment token was revoked");
    if (token.expiresAt <= new Date())
      throw new AppError("UNAUTHORIZED", "This enrollment token has expired");
    if (token.uses >= token.maxUses)
      throw new AppError("UNAUTHORIZED", "This enrollment token has been used up");
    await setTxOrg(tx, token.orgId);
    // Refused with a clear 402 (the agent shows it) when the plan's device limit is reached.
    await assertQuota(tx, token.orgId, "devices", 1);
    await tx.enrollmentToken.update({
      where: { id: token.id, orgId: token.orgId },
      data: { uses: { increment: 1 } },
    });
    const poll = newSecret("ppl");
    const device = await tx.device.create({
      data: {
        orgId: token.orgId,
        siteId: token.siteId,
        hostname: req.hostname,
        agentVersion: req.agentVersion ?? null,
        ...(req.capabilities
          ? { capabilityVersion: req.capabilities.version, sections: req.capabilities.sections }
          : {}),
        tags: token.tags,
        tokenId: token.id,
        status: token.autoApprove ? "active" : "pending",
        approvedAt: token.autoApprove ? new Date() : null,
        pendingCsr: token.autoApprove ? null : req.csr,
        pollTokenHash: token.autoApprove ? null : poll.hash,
      },
    });
    // The device enrolls itself, vouched for by the token recorded beside it.
    await writeAudit(
      tx,
      { kind: "device", id: device.id, orgId: token.orgId },
      {
        orgId: token.orgId,
        action: "device.enroll",
        targetType: "device",
        targetId: device.id,
        after: { hostname: device.hostname, status: device.status, tokenId: token.id },
      },
    );
    if (!token.autoApprove) {
      return {
        status: "pending" as const,
        deviceId: device.id,
        pollToken: poll.token,
        retryAfterSeconds: POLL_SECONDS,
      };
    }
    return activate(tx, token.orgId, device.id, req.csr);
  });
  // This device only: the others' pending states have triggers of their own (compile,
  // rollout advance, coming online), and publishing the whole org here made enrolling N
  // devices cost O(N²) publishes.
  if (result.status === "active")
    await publishPending(db, result.orgId, [result.deviceId]).catch(() => undefined);
  return strip(result);
}

/** Signs the device's certificate and points it at the org's current config. */
async function activate(tx: Tx, orgId: string, deviceId: string, csr: string) {
  const identity = deviceIdentity(orgId, deviceId);
  const cert = await issueDeviceCert(tx, orgId, deviceId, csr, identity);
  await desireCompiled(tx, orgId, [deviceId]);
  return {
    status: "active" as const,
    orgId,
    deviceId,
    identity,
    certificate: cert.certPem,
    caChain: cert.caPem,
    notAfter: cert.notAfter.toISOString(),
    broker: await brokerInfo(),
  };
}

function strip(r: EnrollResponse & { orgId?: string }): EnrollResponse {
  const { orgId: _orgId, ...rest } = r;
  return rest as EnrollResponse;
}

/** A pending device asks whether it was approved. The poll secret works once more after. */
export async function pollEnrollment(
  db: Db,
  req: { deviceId: string; pollToken: string },
): Promise<EnrollResponse> {
  const pollHash = hashSecret(req.pollToken);
  return withScope(db, { enrollTokenHash: pollHash }, async (tx) => {
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
  });
}

export { activate as activateDevice };

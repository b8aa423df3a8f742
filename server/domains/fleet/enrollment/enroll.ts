// Zero-touch enrollment, as served at POST /api/fleet/enroll and /api/fleet/enroll/poll.
// The caller has no session and no certificate: the enrollment token (or a pending
// device's poll secret) is its only credential, and row-level security lets it see just
// the row that secret names.

import { randomBytes } from "node:crypto";
import { deviceIdentity, type EnrollRequest, type EnrollResponse } from "../../../../protocol";
import type { Db } from "../../../platform/db/client";
import { setTxOrg, withScope } from "../../../platform/db/with-tenant";
import { env } from "../../../platform/env";
import { AppError } from "../../../platform/errors";
import { checkDeviceCsr, PkiError } from "../pki/ca";
import { CsrFormatError } from "../pki/device-csr";
import { ensurePlatformPki } from "../pki/platform";
import { enrollTogether } from "./enroll-commit";
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
function checkCsr(csrPem: string) {
  try {
    return checkDeviceCsr(csrPem);
  } catch (e) {
    if (e instanceof CsrFormatError)
      throw new AppError("BAD_REQUEST", "csr is not a PEM certificate signing request");
    throw e instanceof PkiError ? new AppError("BAD_REQUEST", e.message) : e;
  }
}

/** Limits of the poll's read. A pool wait past these is a busy 503, never a 500. */
const READ_TX = { timeoutMs: 10_000, maxWaitMs: 5_000 };

/** A device id like Prisma's cuid() ids ([a-z0-9], fits the identity's pattern): enrollment
 * needs it before the row exists, to sign the certificate that names it. */
const newDeviceId = () => `c${Date.now().toString(36)}${randomBytes(10).toString("hex")}`;

/**
 * Checks the request, then enrolls the device together with the others arriving on the
 * same token (enroll-commit.ts: one transaction reads the token and the CA, signs, writes
 * the devices and takes the token's uses and the quota last; then the configs are published).
 */
export async function enroll(db: Db, req: EnrollRequest): Promise<EnrollResponse> {
  const csr = checkCsr(req.csr);
  const deviceId = newDeviceId();
  const poll = newSecret("ppl");
  const { orgId, cert, caPem } = await enrollTogether(db, {
    req,
    csr,
    tokenHash: hashSecret(req.token),
    deviceId,
    pollHash: poll.hash,
  });
  if (!cert) {
    return {
      status: "pending" as const,
      deviceId,
      pollToken: poll.token,
      retryAfterSeconds: POLL_SECONDS,
    };
  }
  return {
    status: "active" as const,
    deviceId,
    identity: deviceIdentity(orgId, deviceId),
    certificate: cert.certPem,
    caChain: caPem,
    notAfter: cert.notAfter.toISOString(),
    broker: await brokerInfo(),
  };
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

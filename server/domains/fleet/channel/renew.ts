// Certificate renewal over the fleet channel: a device sends a CSR for its (new) key on its
// authenticated `csr` topic and gets the certificate on `cert`.
import type { Db } from "../../../platform/db/client";
import { afterCommit, withScope } from "../../../platform/db/with-tenant";
import type { IngestLog } from "../../../platform/features/contract";
import { issueDeviceCert } from "../enrollment/org-ca";
import type { ControlChannel } from "./control-channel";

/** A device renews at two thirds of its certificate's life; more than this is a fault. */
const RENEWALS_PER_HOUR = 10;

export async function renewDeviceCert(
  db: Db,
  channel: ControlChannel,
  log: IngestLog,
  orgId: string,
  deviceId: string,
  csr: string,
) {
  try {
    await withScope(db, { orgId }, async (tx) => {
      const device = await tx.device.findUnique({ where: { id: deviceId, orgId } });
      if (device?.status !== "active") return;
      const recent = await tx.deviceCertificate.count({
        where: { orgId, deviceId, createdAt: { gt: new Date(Date.now() - 3600_000) } },
      });
      if (recent >= RENEWALS_PER_HOUR) {
        log("warn", "certificate renewal refused: too many this hour", { deviceId });
        return;
      }
      const identity = `${orgId}.${deviceId}`;
      const cert = await issueDeviceCert(tx, orgId, deviceId, csr, identity);
      await afterCommit(tx, () =>
        channel.publishCert(identity, {
          v: 1,
          certificate: cert.certPem,
          caChain: cert.caPem,
          notAfter: cert.notAfter.toISOString(),
          // The agent measures its clock against it; a first-release agent (no declared
          // capabilities) parses this message strictly, so it gets none.
          ...(device.capabilityVersion === null ? {} : { serverTime: new Date().toISOString() }),
        }),
      );
    });
  } catch (error) {
    log("warn", "certificate renewal failed", { deviceId, error: (error as Error).message });
  }
}

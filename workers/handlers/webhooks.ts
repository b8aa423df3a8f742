import { deliverWebhook, pumpEndpoint } from "../../server/domains/webhooks";
import type { Db } from "../../server/platform/db/client";

export const pumpWebhookEndpoint = async (db: Db, p: { orgId: string; endpointId: string }) => {
  const n = await pumpEndpoint(db, p.orgId, p.endpointId);
  return n ? `handed ${n} delivery(ies) to delivery jobs` : undefined;
};

export const deliverWebhookJob = (
  db: Db,
  p: { orgId: string; deliveryId: string; claim: number },
) => deliverWebhook(db, p);

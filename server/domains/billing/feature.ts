import { defineFeature } from "../../platform/features/contract";
import { billingPermissions } from "./permissions";
import { usageChannel } from "./services/usage/usage-channel";

/** What the billing domain adds to the pipelines (server/features.ts). */
export const billingFeature = defineFeature("billing", () => ({
  ingest: [usageChannel],
  permissions: billingPermissions,
}));

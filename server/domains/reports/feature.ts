import { defineFeature } from "../../platform/features/contract";
import { reportsPermissions } from "./permissions";

/** What the reports area adds (server/features.ts): its permissions. It reads other areas' rows. */
export const reportsFeature = defineFeature("reports", () => ({
  permissions: reportsPermissions,
}));

import { defineFeature } from "../../platform/features/contract";
import { overviewPermissions } from "./permissions";

/** What the overview area adds (server/features.ts): its permissions. It only reads. */
export const overviewFeature = defineFeature("overview", () => ({
  permissions: overviewPermissions,
}));

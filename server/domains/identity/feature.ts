import { defineFeature } from "../../platform/features/contract";
import { identityPermissions } from "./permissions";

/** What the identity domain adds to the registries (server/features.ts). */
export const identityFeature = defineFeature("identity", () => ({
  permissions: identityPermissions,
}));

import { defineFeature } from "../../platform/features/contract";
import { policySection } from "./compile";
import { rulesSection } from "./intent";
import { policyPermissions } from "./permissions";

/** What the policy domain adds to the pipelines (server/features.ts). */
export const policyFeature = defineFeature("policy", () => ({
  intent: [rulesSection],
  compile: [policySection],
  permissions: policyPermissions,
}));

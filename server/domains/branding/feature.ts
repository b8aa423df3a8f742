import { defineFeature } from "../../platform/features/contract";
import { brandPermissions } from "./permissions";

/** What the branding domain adds (server/features.ts): its permissions. */
export const brandingFeature = defineFeature("branding", () => ({
  permissions: brandPermissions,
}));

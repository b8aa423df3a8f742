import { defineFeature } from "../../platform/features/contract";
import { customDomainPermissions } from "./permissions";

/** What custom domains add (server/features.ts): their permissions. */
export const customDomainsFeature = defineFeature("custom-domains", () => ({
  permissions: customDomainPermissions,
}));

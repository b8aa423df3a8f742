import { defineFeature } from "../../platform/features/contract";
import {
  portForwardsSection as portForwardsCompiler,
  servicesSection as servicesCompiler,
  siteSection,
} from "./compile";
import { portForwardsSection, servicesSection, sitesSection } from "./intent";
import { sitesPermissions } from "./permissions";

/** What the sites domain adds to the pipelines (server/features.ts). */
export const sitesFeature = defineFeature("sites", () => ({
  intent: [sitesSection, portForwardsSection, servicesSection],
  compile: [siteSection, portForwardsCompiler, servicesCompiler],
  permissions: sitesPermissions,
}));

// The fleet domain's public surface: other domains import only this file.
export { ensureOrgCa } from "./enrollment/org-ca";
export { bumpRevision, READ_ONLY_OK } from "./intent/revision";
export {
  EMPTY_OVERLAY_INTENT,
  type Intent,
  type OverlayIntent,
  type RuleInput,
  type SiteSettings,
  ZLbServiceInput,
  ZOverlayIntent,
  ZPortForwardInput,
  ZRuleInput,
  ZSiteSettings,
} from "./intent/schemas";
export { fleetRouters as routers } from "./router";
export {
  createEnrollmentToken,
  listEnrollmentTokens,
  revokeEnrollmentToken,
} from "./services/enrollment-tokens";

// The fleet domain's public surface: other domains import only this file.

export { ensureOrgCa } from "./enrollment/org-ca";
export { fleetFeature as feature } from "./feature";
export { bumpRevision, devicesReason, READ_ONLY_OK } from "./intent/revision";
export {
  createEnrollmentToken,
  listEnrollmentTokens,
  revokeEnrollmentToken,
} from "./services/enrollment-tokens";

// Values the browser bundle shares with the server (no secrets, no I/O).
// First: zod's browser settings apply before the schemas below are built.
import "./browser-zod";

export {
  fieldErrors,
  ZEmailInput,
  ZNewInvitation,
  ZNewPasswordInput,
  ZSignInInput,
  ZSignUpInput,
} from "../domains/identity/auth/validation";
export { ZNewOrg } from "../domains/identity/services/org/schemas";
export { ZNewSiteBasics } from "../domains/sites/site-fields";
export { PAGE_MAX } from "../platform/pagination";
export { ROLES } from "../platform/tenancy/permissions";

/**
 * The most calls one tRPC batch may carry. The portal's client splits larger batches, so
 * only a hand-made request is refused (400). A page's queries are far fewer.
 */
export const TRPC_MAX_BATCH = 10;

// The branding page checks what the server checks, with the same schemas and contrast math.
export {
  accentColourProblem,
  contrastReadout,
  formatRatio,
  primaryColourProblem,
} from "../domains/branding/colour/contrast";
export { shadesOf } from "../domains/branding/colour/palette";
export {
  IMAGE_BASE64_MAX,
  ZBrandFields,
  ZTemplateInput,
} from "../domains/branding/schemas";
export { PLACEHOLDER_HELP, TEMPLATE_KINDS } from "../domains/branding/templates/catalog";
/** Pure diffs of JSON values: the audit log's and the rollouts' change views render them. */
export * from "../platform/diff";

// The billing domain's public surface: other domains import only this file.

export { billingFeature as feature } from "./feature";
export { billingState } from "./services/account";
export { assertMayCreateOrg, FREE_ORGS_PER_USER } from "./services/org-limits";
export { assertQuota, assertWritable } from "./services/quota";
export { enqueueQuantitySync } from "./services/subscription/enqueue-quantity-sync";

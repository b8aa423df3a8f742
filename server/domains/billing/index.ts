// The billing domain's public surface: other domains import only this file.

export { billingFeature as feature } from "./feature";
export { billingState, seriesRetentionOf } from "./services/account";
export { assertMayCreateOrg, FREE_ORGS_PER_USER } from "./services/org-limits";
export type { SeriesRetention } from "./services/plans";
export { LONGEST_SERIES_RETENTION } from "./services/plans";
export { customerFigures } from "./services/portal/customer-figures";
export { planUsage } from "./services/portal/plan-usage";
export { assertQuota, assertWritable, takeQuota } from "./services/quota";
export { billingEnabled } from "./services/stripe-client";
export { enqueueQuantitySync } from "./services/subscription/enqueue-quantity-sync";
export { mayWhiteLabel, WHITE_LABEL_REFUSED } from "./services/white-label";

// The billing domain's public surface: other domains import only this file.
export { billingState } from "./services/account";
export { assertQuota, assertWritable } from "./services/quota";
export { enqueueQuantitySync } from "./services/subscription/enqueue-quantity-sync";
export { writeUsage } from "./services/usage/write-usage";

import { billingRouter } from "./router";

/** The routers of this domain, keyed by their place in the API. */
export const routers = { billing: billingRouter };

// The policy domain's public surface (data-plane rules): other domains import only this file.
import { policyRouter } from "./router";

/** The routers of this domain, keyed by their place in the API. */
export const routers = { policy: policyRouter };

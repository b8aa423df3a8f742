import { deviceRouter } from "./routers/device";
import { rolloutRouter } from "./routers/rollout";

/** The fleet domain's routers, keyed by their place in the API. */
export const fleetRouters = { device: deviceRouter, rollout: rolloutRouter };

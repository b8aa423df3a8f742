// The sites domain's public surface: other domains import only this file.
export { requireSite } from "./services/sites";

import { siteRouter } from "./router";

/** The routers of this domain, keyed by their place in the API. */
export const routers = { site: siteRouter };

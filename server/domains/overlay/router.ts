// The overlay (docs/overlay.md): intent (links, site roles, settings, classes, groups,
// steering policies, L2 segments) and the read views the portal draws. Thin: logic lives in
// ./services; each part's procedures and REST routes in ./routers.
import { router } from "../../api/trpc";
import { apps, groups, sla } from "./routers/classes";
import { links, segments, settings, site } from "./routers/network";
import { policies } from "./routers/policies";
import { views } from "./routers/views";

export const overlayRouter = router({
  settings,
  site,
  links,
  sla,
  apps,
  groups,
  policies,
  segments,
  ...views,
});

/** This domain's routers, keyed by their place in the API (server/api/root.ts). */
export const overlayRouters = { overlay: overlayRouter };

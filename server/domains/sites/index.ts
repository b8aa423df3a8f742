// The sites domain's public surface: other domains import only this file.

export { sitesFeature as feature } from "./feature";
export {
  DEFAULT_SITE_SETTINGS,
  type SiteSettings,
  type SitesIntent,
  ZLbServiceInput,
  ZPortForwardInput,
  ZSiteSettings,
} from "./schemas";
export { requireSite } from "./services/sites";

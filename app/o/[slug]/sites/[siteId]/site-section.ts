/** Which site a section of the site's page is about: the `ids` the page gives each section. */
export interface SiteIds {
  orgSlug: string;
  siteId: string;
}

/** A section that shows part of the site's intent, and lets the viewer change it when allowed. */
export interface SiteSectionProps extends SiteIds {
  canWrite: boolean;
}

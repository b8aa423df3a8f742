// The custom-domains domain's public surface: other domains import only this file.

export { type EmbedOverview, embedFrameAncestors, embedView } from "./embed/view";
export { customDomainsFeature as feature } from "./feature";
export { forgetHosts, type HostOrg, hostOrgOf, orgForHost } from "./services/host-directory";
export { recheckDomains } from "./services/verify-domain";

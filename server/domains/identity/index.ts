// The identity domain's public surface (users, orgs, members, invitations, API keys,
// sign-in): other domains import only this file. Its API is ./router.ts, which only server/api/root.ts uses.

export { identityFeature as feature } from "./feature";
export { corsOriginsOf } from "./services/api-access/api-access";
export {
  type ApiKeyIdentity,
  type ApiKeyRefusal,
  authenticateApiKey,
} from "./services/api-key/authenticate";

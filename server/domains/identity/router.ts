import { apiAccessRouter } from "./routers/api-access";
import { apiKeyRouter } from "./routers/api-key";
import { invitationRouter } from "./routers/invitation";
import { meRouter } from "./routers/me";
import { memberRouter } from "./routers/member";
import { orgRouter } from "./routers/org";

/** The identity domain's routers, keyed by their place in the API. */
export const identityRouters = {
  me: meRouter,
  org: orgRouter,
  member: memberRouter,
  invitation: invitationRouter,
  apiKey: apiKeyRouter,
  apiAccess: apiAccessRouter,
};

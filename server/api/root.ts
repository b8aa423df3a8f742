import { auditRouter } from "./routers/audit";
import { billingRouter } from "./routers/billing";
import { deviceRouter } from "./routers/device";
import { invitationRouter } from "./routers/invitation";
import { meRouter } from "./routers/me";
import { memberRouter } from "./routers/member";
import { orgRouter } from "./routers/org";
import { overlayRouter } from "./routers/overlay";
import { policyRouter } from "./routers/policy";
import { rolloutRouter } from "./routers/rollout";
import { siteRouter } from "./routers/site";
import { createCallerFactory, router } from "./trpc";

export const appRouter = router({
  me: meRouter,
  org: orgRouter,
  member: memberRouter,
  invitation: invitationRouter,
  audit: auditRouter,
  site: siteRouter,
  device: deviceRouter,
  policy: policyRouter,
  rollout: rolloutRouter,
  overlay: overlayRouter,
  billing: billingRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);

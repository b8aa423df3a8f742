import { auditRouter } from "./routers/audit";
import { invitationRouter } from "./routers/invitation";
import { meRouter } from "./routers/me";
import { memberRouter } from "./routers/member";
import { orgRouter } from "./routers/org";
import { createCallerFactory, router } from "./trpc";

export const appRouter = router({
  me: meRouter,
  org: orgRouter,
  member: memberRouter,
  invitation: invitationRouter,
  audit: auditRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);

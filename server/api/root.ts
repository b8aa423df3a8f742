// The API: each domain's routers, one line a domain.
import * as billing from "../domains/billing";
import * as fleet from "../domains/fleet";
import * as identity from "../domains/identity";
import * as overlay from "../domains/overlay";
import * as policy from "../domains/policy";
import * as sites from "../domains/sites";
import { auditRouter } from "../platform/audit/router";
import { createCallerFactory, router } from "./trpc";

export const appRouter = router({
  ...identity.routers,
  audit: auditRouter,
  ...sites.routers,
  ...fleet.routers,
  ...policy.routers,
  ...overlay.routers,
  ...billing.routers,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);

// The API: each domain's routers (its router.ts), one line a domain.
import { alertingRouters } from "../domains/alerting/router";
import { billingRouters } from "../domains/billing/router";
import { brandingRouters } from "../domains/branding/router";
import { customDomainsRouters } from "../domains/custom-domains/router";
import { fleetRouters } from "../domains/fleet/router";
import { identityRouters } from "../domains/identity/router";
import { overlayRouters } from "../domains/overlay/router";
import { overviewRouters } from "../domains/overview/router";
import { policyRouters } from "../domains/policy/router";
import { reportsRouters } from "../domains/reports/router";
import { seriesRouters } from "../domains/series/router";
import { sitesRouters } from "../domains/sites/router";
import { webhooksRouters } from "../domains/webhooks/router";
import { auditRouter } from "../platform/audit/router";
import { createCallerFactory, router } from "./trpc";

export const appRouter = router({
  ...identityRouters,
  audit: auditRouter,
  ...sitesRouters,
  ...fleetRouters,
  ...policyRouters,
  ...overlayRouters,
  ...billingRouters,
  ...webhooksRouters,
  ...brandingRouters,
  ...customDomainsRouters,
  ...overviewRouters,
  ...alertingRouters,
  ...seriesRouters,
  ...reportsRouters,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);

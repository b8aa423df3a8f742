import { definePermissions } from "../../platform/tenancy/permissions";

/** Reading an org's time series (charts, the REST API, the org's Prometheus endpoint). */
export const seriesPermissions = definePermissions({
  "series.read": ["owner", "admin", "operator", "viewer", "developer"],
});

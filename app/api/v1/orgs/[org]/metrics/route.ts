import { orgMetricsHandler } from "@/server/api/handlers";

export { orgMetricsHandler as GET, orgMetricsHandler as HEAD };

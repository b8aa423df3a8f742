// The alerting domain's public surface: other domains import only this file.
export { evaluateOrg } from "./engine/evaluate";
export { dueOrgs, evaluateBatch, kickEvaluation, sweepAlerts } from "./engine/schedule";
export { alertingFeature as feature } from "./feature";
export { evaluateAlertsJob, notifyJob } from "./jobs";
export { deliverNotification, sweepNotifications } from "./notify/deliver";

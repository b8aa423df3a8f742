// The webhooks domain's public surface: other domains import only this file.

export { deliverWebhook } from "./delivery/deliver";
export { pumpEndpoint, sweepWebhooks } from "./delivery/dispatch";
export { webhooksFeature as feature } from "./feature";
export { webhookDeliverJob } from "./jobs";

// The webhooks domain's public surface: other domains import only this file.

// What alert notifications reuse: the checked, pinned POST, the signature and the sealing.
export { backoffMs, deliverWebhook } from "./delivery/deliver";
export { pumpEndpoint, sweepWebhooks } from "./delivery/dispatch";
export { type PostResult, postPinned } from "./delivery/post";
export { type Lookup, RefusedTarget, resolveTarget } from "./delivery/resolve-target";
export { webhookHeaders } from "./delivery/sign";
export { webhooksFeature as feature } from "./feature";
export { webhookDeliverJob } from "./jobs";
export { ZWebhookUrl } from "./schemas";
export { sealSecret, unsealSecret } from "./services/secrets";

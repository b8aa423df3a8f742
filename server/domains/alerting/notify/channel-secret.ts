// A channel's secret part, sealed at rest: the URL (Slack's and Teams' carry their secret in
// it), the signing secret of a webhook channel, PagerDuty's routing key.
import { z } from "zod";
import { zText } from "../../../../protocol/text";
import { sealSecret, unsealSecret } from "../../webhooks";

export const ZChannelSecret = z.object({
  url: zText().max(2048).optional(),
  secret: zText().max(200).optional(),
  routingKey: zText().max(100).optional(),
});
export type ChannelSecret = z.infer<typeof ZChannelSecret>;

export const sealChannelSecret = (s: ChannelSecret) => sealSecret(JSON.stringify(s));
export const openChannelSecret = (sealed: string | null): ChannelSecret =>
  sealed ? ZChannelSecret.parse(JSON.parse(unsealSecret(sealed))) : {};

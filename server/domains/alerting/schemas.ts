import { z } from "zod";
import { zText } from "../../../protocol/text";
import { ZEmail, ZId } from "../../api/inputs";
import { ZWebhookUrl } from "../webhooks";
import { ZRuleKind, ZSeverity } from "./rules/catalog";

export const ZRuleName = zText().trim().min(1, "Name the rule").max(100);
export const ZForSeconds = z
  .number()
  .int()
  .min(0)
  .max(7 * 86_400);
export const ZScopeSites = z.array(ZId).max(200);
export const ZScopeTags = z.array(zText().trim().min(1).max(64)).max(20);

export const ZRuleView = z.object({
  id: zText(),
  kind: ZRuleKind,
  name: zText(),
  description: zText(),
  enabled: z.boolean(),
  severity: ZSeverity,
  params: z.record(zText(), z.unknown()),
  forSeconds: z.number(),
  siteIds: z.array(zText()),
  tags: z.array(zText()),
  updatedAt: z.date(),
});

export const ZChannelKind = z.enum(["email", "webhook", "slack", "teams", "pagerduty"]);
export type ChannelKind = z.infer<typeof ZChannelKind>;
export const ZChannelName = zText().trim().min(1, "Name the channel").max(100);
export const ZRecipients = z.array(ZEmail).min(1, "Add at least one recipient").max(20);
export const ZRoutingKey = zText()
  .trim()
  .regex(
    /^[A-Za-z0-9]{20,64}$/,
    "A PagerDuty integration (routing) key is 20-64 letters and digits",
  );

export const ZChannelView = z.object({
  id: zText(),
  name: zText(),
  kind: ZChannelKind,
  enabled: z.boolean(),
  minSeverity: ZSeverity,
  recipients: z.array(zText()),
  /** The host it posts to (the URL itself is secret for Slack and Teams). */
  target: zText(),
  createdAt: z.date(),
  /** Of the last 24 hours. */
  counts: z.object({ sent: z.number(), pending: z.number(), failed: z.number() }),
});
export const ZChannelCreated = ZChannelView.extend({
  /** A webhook channel's signing secret: shown this once. */
  secret: zText().nullable(),
});

export const ZNotificationView = z.object({
  id: zText(),
  channelId: zText(),
  channelName: zText(),
  channelKind: ZChannelKind,
  incidentId: zText().nullable(),
  event: zText(),
  status: z.enum(["pending", "sent", "failed"]),
  attempts: z.number(),
  responseStatus: z.number().nullable(),
  error: zText().nullable(),
  createdAt: z.date(),
  sentAt: z.date().nullable(),
});

export const ZIncidentStatus = z.enum(["open", "acknowledged", "resolved"]);
export const ZIncidentView = z.object({
  id: zText(),
  number: z.number(),
  status: ZIncidentStatus,
  severity: ZSeverity,
  title: zText(),
  rootCause: zText(),
  siteId: zText().nullable(),
  siteName: zText().nullable(),
  suppressed: z.boolean(),
  openedAt: z.date(),
  acknowledgedAt: z.date().nullable(),
  acknowledgedBy: zText().nullable(),
  mutedUntil: z.date().nullable(),
  resolvedAt: z.date().nullable(),
  /** Conditions firing now. */
  active: z.number(),
});

export const ZIncidentDetail = ZIncidentView.extend({
  conditions: z.array(
    z.object({
      key: zText(),
      kind: zText(),
      objectType: zText(),
      objectId: zText(),
      objectName: zText(),
      summary: zText(),
      since: z.date(),
      firedAt: z.date(),
      clearedAt: z.date().nullable(),
    }),
  ),
  timeline: z.array(
    z.object({ id: zText(), at: z.date(), kind: zText(), message: zText(), actor: zText() }),
  ),
  notifications: z.array(ZNotificationView),
});

export const ZWindowView = z.object({
  id: zText(),
  name: zText(),
  siteIds: z.array(zText()),
  startsAt: z.date(),
  endsAt: z.date(),
  createdAt: z.date(),
});
export const ZWindowName = zText().trim().min(1, "Name the window").max(100);

export { ZWebhookUrl };

// What each kind of channel receives (docs/alerting.md shows every format): a signed
// Patronus webhook, Slack's incoming-webhook message, a Teams workflow's Adaptive Card, a
// PagerDuty Events API v2 event, or a plain-text email.
import type { NotifyEvent } from "./enqueue";

export interface IncidentView {
  id: string;
  number: number;
  status: string;
  severity: string;
  title: string;
  rootCause: string;
  siteId: string | null;
  openedAt: Date;
  resolvedAt: Date | null;
  /** The incident's page in the portal. */
  url: string;
  orgName: string;
}

const VERB: Record<NotifyEvent | "test", string> = {
  opened: "Opened",
  escalated: "Escalated",
  acknowledged: "Acknowledged",
  resolved: "Resolved",
  test: "Test",
};

export const headline = (i: IncidentView, event: NotifyEvent | "test") =>
  `[${VERB[event]}] #${i.number} ${i.title} (${i.severity}, ${i.orgName})`;

export function webhookBody(
  notificationId: string,
  orgId: string,
  i: IncidentView,
  event: NotifyEvent | "test",
  at: Date,
) {
  return JSON.stringify({
    id: notificationId,
    type: `incident.${event}`,
    createdAt: at.toISOString(),
    orgId,
    data: {
      incidentId: i.id,
      number: i.number,
      status: i.status,
      severity: i.severity,
      title: i.title,
      rootCause: i.rootCause,
      siteId: i.siteId,
      openedAt: i.openedAt.toISOString(),
      resolvedAt: i.resolvedAt?.toISOString() ?? null,
      url: i.url,
    },
  });
}

/** Slack escapes &, < and > in mrkdwn; nothing else is special in plain text. */
const slackEscape = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function slackBody(i: IncidentView, event: NotifyEvent | "test") {
  const text = headline(i, event);
  return JSON.stringify({
    text: slackEscape(text),
    blocks: [
      {
        type: "section",
        text: { type: "mrkdwn", text: `*${slackEscape(text)}*\n${slackEscape(i.rootCause)}` },
      },
      {
        type: "context",
        elements: [{ type: "mrkdwn", text: `<${i.url}|Open incident #${i.number}>` }],
      },
    ],
  });
}

export function teamsBody(i: IncidentView, event: NotifyEvent | "test") {
  return JSON.stringify({
    type: "message",
    attachments: [
      {
        contentType: "application/vnd.microsoft.card.adaptive",
        content: {
          $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
          type: "AdaptiveCard",
          version: "1.4",
          body: [
            {
              type: "TextBlock",
              size: "Medium",
              weight: "Bolder",
              wrap: true,
              text: headline(i, event),
            },
            { type: "TextBlock", wrap: true, text: i.rootCause },
          ],
          actions: [{ type: "Action.OpenUrl", title: `Open incident #${i.number}`, url: i.url }],
        },
      },
    ],
  });
}

const PD_SEVERITY: Record<string, string> = {
  critical: "critical",
  major: "error",
  minor: "warning",
  info: "info",
};

export function pagerDutyBody(
  routingKey: string,
  i: IncidentView,
  event: NotifyEvent | "test",
  at: Date,
) {
  const action =
    event === "resolved" ? "resolve" : event === "acknowledged" ? "acknowledge" : "trigger";
  return JSON.stringify({
    routing_key: routingKey,
    event_action: action,
    // One PagerDuty alert per incident: later events of it update or close that alert.
    dedup_key: `patronus-${i.id}`,
    ...(action === "trigger"
      ? {
          payload: {
            summary: headline(i, event).slice(0, 1024),
            source: i.orgName.slice(0, 255) || "patronus",
            severity: PD_SEVERITY[i.severity] ?? "warning",
            timestamp: at.toISOString(),
            component: i.siteId ?? undefined,
            class: "sd-wan",
            custom_details: { rootCause: i.rootCause, number: i.number, status: i.status },
          },
          links: [{ href: i.url, text: `Patronus incident #${i.number}` }],
        }
      : {}),
  });
}

export function emailOf(i: IncidentView, event: NotifyEvent | "test") {
  return {
    subject: headline(i, event).slice(0, 200),
    text: [
      headline(i, event),
      "",
      i.rootCause,
      "",
      `Opened ${i.openedAt.toISOString()}${i.resolvedAt ? `, resolved ${i.resolvedAt.toISOString()}` : ""}.`,
      `Incident: ${i.url}`,
    ].join("\n"),
  };
}

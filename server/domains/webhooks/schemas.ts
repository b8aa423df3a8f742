import { z } from "zod";
import { zText } from "../../../protocol/text";
import { env } from "../../platform/env";
import { ZEventType } from "../../platform/events/catalog";
import { parseCidrList } from "../../platform/http/cidr";
import { refusedAddress } from "./delivery/address-policy";

const URL_MAX = 2048;

/** Why `text` cannot be an endpoint URL, or undefined. The address is checked again at delivery. */
export function urlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "Enter a full URL, like https://example.com/webhooks";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    return "Use an https:// (or http://) URL";
  if (url.username || url.password)
    return "Leave credentials out of the URL (the signature authenticates us)";
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  if (!host) return "The URL needs a host";
  const allow = parseCidrList(env.WEBHOOK_ALLOW_CIDRS, "WEBHOOK_ALLOW_CIDRS");
  if (host === "localhost" || host.endsWith(".localhost")) {
    if (!refusedAddress("127.0.0.1", allow)) return undefined;
    return "Webhooks are not delivered to localhost";
  }
  const why = refusedAddress(host, allow);
  if (why && why !== "not an IP address") return `Webhooks are not delivered to ${host}: ${why}`;
  return undefined;
}

export const ZWebhookUrl = zText()
  .trim()
  .min(1, "Enter the URL to deliver to")
  .max(URL_MAX, `At most ${URL_MAX} characters`)
  .superRefine((value, ctx) => {
    const problem = urlProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

export const ZEventTypes = z
  .array(ZEventType)
  .min(1, "Choose at least one event type")
  .max(50)
  .transform((list) => [...new Set(list)].sort());

export const ZDescription = zText().trim().max(200);

export const ZEndpointView = z.object({
  id: zText(),
  url: zText(),
  description: zText(),
  enabled: z.boolean(),
  events: z.array(zText()),
  /** When the previous secret stops signing (a rotation is in progress), or null. */
  previousSecretExpiresAt: z.date().nullable(),
  createdAt: z.date(),
  /** Deliveries per status, for the list. */
  counts: z.object({
    pending: z.number(),
    sending: z.number(),
    succeeded: z.number(),
    dead: z.number(),
  }),
});

/** A secret, shown once: when the endpoint is created and when it is rotated. */
export const ZEndpointWithSecret = z.object({
  endpoint: ZEndpointView,
  secret: zText(),
});

export const ZDeliveryStatus = z.enum(["pending", "sending", "succeeded", "dead"]);

export const ZDeliveryView = z.object({
  id: zText(),
  endpointId: zText(),
  eventId: zText(),
  eventType: zText(),
  status: ZDeliveryStatus,
  attempts: z.number(),
  responseStatus: z.number().nullable(),
  responseExcerpt: zText().nullable(),
  error: zText().nullable(),
  durationMs: z.number().nullable(),
  lastAttemptAt: z.date().nullable(),
  nextAttemptAt: z.date().nullable(),
  createdAt: z.date(),
});

export const ZCatalogEntry = z.object({ type: zText(), description: zText() });

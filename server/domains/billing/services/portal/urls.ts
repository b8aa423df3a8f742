import { env } from "../../../../platform/env";

/** The billing page of an org, absolute: Stripe sends the browser back there. */
export function billingPageUrl(orgSlug: string, query = "") {
  return `${env.APP_URL.replace(/\/$/, "")}/o/${encodeURIComponent(orgSlug)}/billing${query}`;
}

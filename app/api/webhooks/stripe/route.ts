import { stripeWebhookHandler } from "@/server/api/handlers";

// The signature is over the exact bytes Stripe sent: never cached, always Node crypto.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const POST = stripeWebhookHandler;

// Import this FIRST in a billing test file: it starts a Stripe stand-in and puts its
// STRIPE_* settings into process.env before any server module reads server/platform/env.ts (which
// parses the environment once, at import). Vitest isolates test files, so billing stays
// off in every file that does not import this. The stub is closed after the file's tests.
import { afterAll } from "vitest";
import { startStripeStub } from "../tools/stripe-stand-in";

export const stub = await startStripeStub({ webhookUrl: null, autoDeliver: false });
Object.assign(process.env, stub.env());

afterAll(() => stub.close());

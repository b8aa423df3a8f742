// What Stripe's (the stub's) state implies for an org, computed straight from the SDK's
// objects (not with the code under test), and the effects a sequence of such states
// should have left in the audit log: one per real change.
import type Stripe from "stripe";
import { stripe } from "../../../../server/domains/billing/services/stripe-client";
import { env } from "../../../../server/platform/env";

const PLAN_STATUSES = ["trialing", "active", "past_due", "unpaid"];
const GRACE_STATUSES = ["past_due", "unpaid"];

export interface Expected {
  plan: string;
  status: string | null;
  subscriptionId: string | null;
  quantity: number | null;
  grace: boolean;
  invoices: Stripe.Invoice[];
  failed: string[];
  paid: string[];
}

export async function expectedFor(customerId: string): Promise<Expected> {
  const subs = await stripe().subscriptions.list({ customer: customerId, status: "all" });
  const invoices = await stripe().invoices.list({ customer: customerId, limit: 24 });
  const sub = subs.data.sort((a, b) => b.created - a.created)[0];
  const live = !!sub && !["canceled", "incomplete_expired"].includes(sub.status);
  const status = sub?.status ?? null;
  const item = live ? sub.items.data.find((i) => i.price.id === env.STRIPE_PRICE_SITE) : undefined;
  const failed = invoices.data
    .filter((i) => (i.status === "open" && i.attempt_count > 0) || i.status === "uncollectible")
    .map((i) => i.id!);
  return {
    plan: live && PLAN_STATUSES.includes(sub.status) ? "standard" : "free",
    status,
    subscriptionId: live ? sub.id : null,
    quantity: item?.quantity ?? null,
    // Unpaid debt keeps the grace even once the subscription is canceled.
    grace: (live && GRACE_STATUSES.includes(sub.status)) || failed.length > 0,
    invoices: invoices.data,
    failed,
    paid: invoices.data.filter((i) => i.status === "paid").map((i) => i.id!),
  };
}

/** The audit entries a run of states (as seen at each delivery round's end) should leave. */
export class EffectLedger {
  private prev = { plan: "free", status: null as string | null, grace: false };
  private failed = new Set<string>();
  private paid = new Set<string>();
  counts = { plan_changed: 0, grace_started: 0, payment_recovered: 0 };

  see(e: Expected) {
    if (e.plan !== this.prev.plan || e.status !== this.prev.status) this.counts.plan_changed++;
    if (e.grace && !this.prev.grace) this.counts.grace_started++;
    if (!e.grace && this.prev.grace) this.counts.payment_recovered++;
    for (const id of e.failed) this.failed.add(id);
    for (const id of e.paid) this.paid.add(id);
    this.prev = { plan: e.plan, status: e.status, grace: e.grace };
  }

  get paymentFailed() {
    return this.failed.size;
  }
  get invoicePaid() {
    return this.paid.size;
  }
}

/** A small seeded PRNG (mulberry32): the same shuffle on every run. */
export function seeded(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const shuffle = <T>(items: T[]) => {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = int(i + 1);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  };
  return { int, shuffle };
}

/** Runs `fn` over `items` with at most `n` in flight. */
export async function inPool<T>(items: T[], n: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: n }, worker));
}

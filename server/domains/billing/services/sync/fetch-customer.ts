// Reads what Stripe knows about one customer, now: the customer, all its subscriptions and
// its latest invoices. A customer Stripe no longer has (deleted, or never existed in this
// account) is null: there is nothing to mirror.
import type Stripe from "stripe";
import { stripe } from "../stripe-client";

export interface CustomerSnapshot {
  customer: Stripe.Customer;
  subscriptions: Stripe.Subscription[];
  invoices: Stripe.Invoice[];
}

const INVOICES = 24; // two years of monthly invoices: what the billing page lists

/** "No such customer"; not any 404 (a wrong API URL answers 404 too, and must not reset). */
function isMissing(error: unknown) {
  const e = error as { type?: string; statusCode?: number; code?: string };
  return (
    e?.type === "StripeInvalidRequestError" && e.statusCode === 404 && e.code === "resource_missing"
  );
}

export async function fetchCustomer(customerId: string): Promise<CustomerSnapshot | null> {
  const client = stripe();
  let customer: Stripe.Customer | Stripe.DeletedCustomer;
  try {
    customer = await client.customers.retrieve(customerId);
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
  if ("deleted" in customer && customer.deleted) return null;
  const [subscriptions, invoices] = await Promise.all([
    client.subscriptions.list({ customer: customerId, status: "all", limit: 100 }),
    client.invoices.list({ customer: customerId, limit: INVOICES }),
  ]);
  return {
    customer: customer as Stripe.Customer,
    subscriptions: subscriptions.data,
    invoices: invoices.data,
  };
}

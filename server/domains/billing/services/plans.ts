// The plan catalog: data, not branches. Limits are enforced in the service layer by
// quota.ts; prices live in Stripe (the price ids come from the environment), and the
// figures here are what the portal shows. An operator may give one org enterprise limits
// (BillingAccount.planOverride + customLimits, scripts/billing-set-plan.ts).
import { z } from "zod";

export const LIMITED = ["sites", "devices", "members", "apiKeys", "customerOrgs"] as const;
export type Limited = (typeof LIMITED)[number];

export const ZLimits = z.strictObject({
  sites: z.number().int().min(0),
  devices: z.number().int().min(0),
  members: z.number().int().min(0),
  apiKeys: z.number().int().min(0),
  /** Customer orgs an MSP org may have under it. */
  customerOrgs: z.number().int().min(0),
  /** Data transfer included per month before metered pricing starts, in GB (10^9 bytes). */
  includedGb: z.number().min(0),
  /** REST API calls per minute, per API key and for all of the org's keys together. */
  apiCallsPerKeyMinute: z.number().int().min(1),
  apiCallsPerOrgMinute: z.number().int().min(1),
});
export type Limits = z.infer<typeof ZLimits>;

export type PlanKey = "free" | "standard" | "enterprise";

export interface Plan {
  key: PlanKey;
  name: string;
  blurb: string;
  limits: Limits;
  /** Shown prices, in cents; Stripe's prices are what is charged. */
  pricePerSiteCents: number | null;
  overagePerGbCents: number | null;
  trialDays: number;
  /** self-service: subscribe through Checkout; sales: an operator assigns it. */
  purchase: "none" | "checkout" | "sales";
  /** May hide "Powered by Patronus" (white-label, docs/white-label.md). */
  whiteLabel: boolean;
  /** How long the org's time series are kept, per resolution (docs/observability.md). */
  seriesRetention: SeriesRetention;
}

/** Days the tenant time series keep raw points, minutes and hours. */
export interface SeriesRetention {
  rawDays: number;
  minuteDays: number;
  hourDays: number;
}

export const PLANS: Record<PlanKey, Plan> = {
  free: {
    key: "free",
    name: "Free",
    blurb: "Try Patronus on a few sites.",
    limits: {
      sites: 3,
      devices: 6,
      members: 5,
      apiKeys: 2,
      customerOrgs: 2,
      includedGb: 10,
      apiCallsPerKeyMinute: 120,
      apiCallsPerOrgMinute: 300,
    },
    pricePerSiteCents: 0,
    overagePerGbCents: null,
    trialDays: 0,
    purchase: "none",
    whiteLabel: false,
    seriesRetention: { rawDays: 1, minuteDays: 7, hourDays: 30 },
  },
  standard: {
    key: "standard",
    name: "Standard",
    blurb: "Per site, per month; 100 GB of data transfer included, then metered.",
    limits: {
      sites: 500,
      devices: 1000,
      members: 100,
      apiKeys: 50,
      customerOrgs: 200,
      includedGb: 100,
      apiCallsPerKeyMinute: 1200,
      apiCallsPerOrgMinute: 3000,
    },
    pricePerSiteCents: 4900,
    overagePerGbCents: 5,
    trialDays: 14,
    purchase: "checkout",
    whiteLabel: true,
    seriesRetention: { rawDays: 7, minuteDays: 30, hourDays: 400 },
  },
  enterprise: {
    key: "enterprise",
    name: "Enterprise",
    blurb: "Custom limits, consolidated MSP billing and invoicing; talk to us.",
    limits: {
      sites: 10_000,
      devices: 20_000,
      members: 1000,
      apiKeys: 500,
      customerOrgs: 5000,
      includedGb: 10_000,
      apiCallsPerKeyMinute: 6000,
      apiCallsPerOrgMinute: 20_000,
    },
    pricePerSiteCents: null,
    overagePerGbCents: null,
    trialDays: 0,
    purchase: "sales",
    whiteLabel: true,
    seriesRetention: { rawDays: 30, minuteDays: 90, hourDays: 800 },
  },
};

export const ZPlanKey = z.enum(["free", "standard", "enterprise"]);

/** Unknown keys (a plan renamed in Stripe metadata, say) fall back to free, never to more. */
export function planOf(key: string | null | undefined): Plan {
  return PLANS[(ZPlanKey.safeParse(key).data ?? "free") as PlanKey];
}

/** What self-hosted installs (billing off) get: no limits at all. */
export const UNLIMITED: Limits = {
  sites: Number.MAX_SAFE_INTEGER,
  devices: Number.MAX_SAFE_INTEGER,
  members: Number.MAX_SAFE_INTEGER,
  apiKeys: Number.MAX_SAFE_INTEGER,
  customerOrgs: Number.MAX_SAFE_INTEGER,
  includedGb: Number.MAX_SAFE_INTEGER,
  apiCallsPerKeyMinute: Number.MAX_SAFE_INTEGER,
  apiCallsPerOrgMinute: Number.MAX_SAFE_INTEGER,
};

/** What installs without billing keep: the longest of any plan. */
export const LONGEST_SERIES_RETENTION: SeriesRetention = {
  rawDays: Math.max(...Object.values(PLANS).map((p) => p.seriesRetention.rawDays)),
  minuteDays: Math.max(...Object.values(PLANS).map((p) => p.seriesRetention.minuteDays)),
  hourDays: Math.max(...Object.values(PLANS).map((p) => p.seriesRetention.hourDays)),
};

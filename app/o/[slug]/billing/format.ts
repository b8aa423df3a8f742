/** Billing figures as the page shows them (browser-side only, like _components/time.ts). */

export function formatMoney(cents: number, currency = "usd") {
  return new Intl.NumberFormat("en-US", {
    style: "currency",
    currency: currency.toUpperCase(),
  }).format(cents / 100);
}

const UNITS = ["B", "KB", "MB", "GB", "TB", "PB"];

/** Decimal units, as Stripe's meter and the plans count them (1 GB = 10^9 bytes). */
export function formatBytes(bytes: number) {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

export function formatDate(d: Date | null | undefined) {
  if (!d) return "—";
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

export const RESOURCE_LABEL = {
  sites: "Sites",
  devices: "Devices",
  members: "Members",
  apiKeys: "API keys",
  customerOrgs: "Customer organizations",
} as const;

import type { Metadata } from "next";
import type { ReactNode } from "react";
import { BrandProvider } from "@/app/_components/brand-context";
import { PoweredBy } from "@/app/_components/brand-mark";
import { Link } from "@/app/_components/link";
import { TopBar } from "@/app/_components/top-bar";
import { getCaller, requireUser } from "@/app/_trpc/server";
import { brandAttrs, orgBrand } from "@/server/api/brand";
import { BillingBanner } from "./billing-banner";
import { SideNav } from "./nav";
import { getOrg, hasPermission } from "./org-context";
import { OrgMenu } from "./org-menu";
import { OrgSwitcher } from "./org-switcher";

/** The org's favicon and product name in the tab. */
export async function generateMetadata({
  params,
}: {
  params: Promise<{ slug: string }>;
}): Promise<Metadata> {
  const org = await getOrg((await params).slug).catch(() => null);
  if (!org) return {};
  const brand = await orgBrand(org.id);
  return {
    title: { default: brand.productName, template: `%s · ${brand.productName}` },
    ...(brand.faviconUrl ? { icons: { icon: brand.faviconUrl } } : {}),
  };
}

export default async function OrgLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ slug: string }>;
}) {
  const { slug } = await params;
  const user = await requireUser();
  const org = await getOrg(slug);
  const orgs = await (await getCaller()).org.list();
  const brand = await orgBrand(org.id);
  const base = `/o/${org.slug}`;
  const items = [
    { href: base, label: "Overview" },
    { href: `${base}/sites`, label: "Sites" },
    { href: `${base}/devices`, label: "Devices" },
    { href: `${base}/topology`, label: "Topology" },
    ...(hasPermission(org, "incident.read")
      ? [{ href: `${base}/incidents`, label: "Incidents" }]
      : []),
    { href: `${base}/path-events`, label: "Path events" },
    ...(hasPermission(org, "alert.read") ? [{ href: `${base}/alerts`, label: "Alerting" }] : []),
    ...(hasPermission(org, "report.read") ? [{ href: `${base}/reports`, label: "Reports" }] : []),
    ...(hasPermission(org, "policy.read") ? [{ href: `${base}/steering`, label: "Steering" }] : []),
    { href: `${base}/policies`, label: "Policies" },
    ...(org.kind === "msp" ? [{ href: `${base}/customers`, label: "Customers" }] : []),
    { href: `${base}/members`, label: "Members" },
    ...(hasPermission(org, "billing.read") ? [{ href: `${base}/billing`, label: "Billing" }] : []),
    ...(hasPermission(org, "apikey.read") ? [{ href: `${base}/api-keys`, label: "API keys" }] : []),
    ...(hasPermission(org, "webhook.read")
      ? [{ href: `${base}/webhooks`, label: "Webhooks" }]
      : []),
    ...(hasPermission(org, "audit.read") ? [{ href: `${base}/audit`, label: "Audit log" }] : []),
    ...(hasPermission(org, "brand.update")
      ? [{ href: `${base}/branding`, label: "Branding" }]
      : []),
    ...(hasPermission(org, "org.update") ? [{ href: `${base}/settings`, label: "Settings" }] : []),
    ...(hasPermission(org, "domain.manage") ? [{ href: `${base}/domains`, label: "Domains" }] : []),
  ];
  return (
    // The org's brand palette: globals.css derives the page's colours from it ([data-brand]).
    <div className="min-h-screen" {...brandAttrs(brand)}>
      <TopBar email={user.email} brand={brand} menu={<OrgMenu items={items} />}>
        <OrgSwitcher current={org.slug} orgs={orgs} />
      </TopBar>
      <BillingBanner orgSlug={org.slug} canSeeBilling={hasPermission(org, "billing.read")} />
      {org.viaOrgSlug && (
        <div
          className="border-b border-amber-200 bg-amber-50 px-4 py-2 text-sm text-amber-900"
          role="status"
        >
          You are working in a customer organization as <strong>{org.role}</strong> of{" "}
          <Link href={`/o/${org.viaOrgSlug}`} className="underline">
            {org.viaOrgSlug}
          </Link>
          .
        </div>
      )}
      <div className="mx-auto flex max-w-6xl flex-col gap-6 px-4 py-6 md:flex-row">
        <aside className="hidden md:block md:w-48 md:shrink-0">
          <SideNav items={items} />
        </aside>
        <main id="main" className="min-w-0 flex-1">
          <BrandProvider brand={brand}>{children}</BrandProvider>
        </main>
      </div>
      <PoweredBy brand={brand} />
    </div>
  );
}

import Link from "next/link";
import type { ReactNode } from "react";
import { TopBar } from "@/app/_components/top-bar";
import { getCaller, requireUser } from "@/app/_trpc/server";
import { BillingBanner } from "./billing-banner";
import { SideNav } from "./nav";
import { getOrg, hasPermission } from "./org-context";
import { OrgSwitcher } from "./org-switcher";

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
  const base = `/o/${org.slug}`;
  const items = [
    { href: base, label: "Overview" },
    { href: `${base}/sites`, label: "Sites" },
    { href: `${base}/topology`, label: "Topology" },
    ...(hasPermission(org, "policy.read") ? [{ href: `${base}/steering`, label: "Steering" }] : []),
    { href: `${base}/policies`, label: "Policies" },
    ...(org.kind === "msp" ? [{ href: `${base}/customers`, label: "Customers" }] : []),
    { href: `${base}/members`, label: "Members" },
    ...(hasPermission(org, "billing.read") ? [{ href: `${base}/billing`, label: "Billing" }] : []),
    ...(hasPermission(org, "apikey.read") ? [{ href: `${base}/api-keys`, label: "API keys" }] : []),
    ...(hasPermission(org, "audit.read") ? [{ href: `${base}/audit`, label: "Audit log" }] : []),
    ...(hasPermission(org, "org.update") ? [{ href: `${base}/settings`, label: "Settings" }] : []),
  ];
  return (
    <div className="min-h-screen">
      <TopBar email={user.email}>
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
        <aside className="md:w-48 md:shrink-0">
          <SideNav items={items} />
        </aside>
        <main className="min-w-0 flex-1">{children}</main>
      </div>
    </div>
  );
}

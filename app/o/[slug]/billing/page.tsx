import { Forbidden } from "@/app/_components/forbidden";
import { PageHeader } from "@/app/_components/ui";
import { getOrg, hasPermission } from "../org-context";
import { BillingView } from "./billing-view";

export const metadata = { title: "Billing" };

/** Plan, usage against limits, invoices; Upgrade and Manage go to Stripe's hosted pages. */
export default async function BillingPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<{ checkout?: string | string[] }>;
}) {
  const org = await getOrg((await params).slug);
  const { checkout } = await searchParams;
  if (!hasPermission(org, "billing.read")) return <Forbidden what="billing" />;
  return (
    <>
      <PageHeader title="Billing" />
      <BillingView
        orgSlug={org.slug}
        canManage={hasPermission(org, "billing.manage")}
        checkout={checkout === "success" || checkout === "cancelled" ? checkout : null}
      />
    </>
  );
}

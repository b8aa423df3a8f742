import { Forbidden } from "@/app/_components/forbidden";
import { Card, PageHeader } from "@/app/_components/ui";
import { getOrg, hasPermission } from "../org-context";

export const metadata = { title: "Billing" };

export default async function BillingPage({ params }: { params: Promise<{ slug: string }> }) {
  const org = await getOrg((await params).slug);
  if (!hasPermission(org, "billing.read")) return <Forbidden what="billing" />;
  return (
    <>
      <PageHeader title="Billing" />
      <Card>
        <p className="text-sm text-slate-700">Plans, usage and invoices will be shown here.</p>
      </Card>
    </>
  );
}

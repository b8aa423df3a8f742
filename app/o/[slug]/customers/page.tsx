import { Card, PageHeader } from "@/app/_components/ui";
import { getOrg, hasPermission } from "../org-context";
import { CustomerList } from "./customer-list";
import { CustomersOverview } from "./customers-overview";

export const metadata = { title: "Customers" };

export default async function CustomersPage({ params }: { params: Promise<{ slug: string }> }) {
  const org = await getOrg((await params).slug);
  if (org.kind !== "msp") {
    return (
      <Card>
        <p className="text-sm text-slate-700">
          Only managed-service-provider organizations have customers.
        </p>
      </Card>
    );
  }
  return (
    <>
      <PageHeader title="Customers" />
      <div className="mb-6">
        <CustomersOverview orgSlug={org.slug} />
      </div>
      <CustomerList orgSlug={org.slug} canCreate={hasPermission(org, "customer.create")} />
    </>
  );
}

import { Card, PageHeader } from "@/app/_components/ui";

export const metadata = { title: "Policies" };

export default function PoliciesPage() {
  return (
    <>
      <PageHeader title="Policies" />
      <Card>
        <p className="text-sm text-slate-700">
          Segmentation and steering policies will be managed here.
        </p>
      </Card>
    </>
  );
}

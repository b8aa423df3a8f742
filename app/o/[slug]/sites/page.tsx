import { Card, PageHeader } from "@/app/_components/ui";

export const metadata = { title: "Sites" };

export default function SitesPage() {
  return (
    <>
      <PageHeader title="Sites" />
      <Card>
        <p className="text-sm text-slate-700">Your sites and their agents will be listed here.</p>
      </Card>
    </>
  );
}

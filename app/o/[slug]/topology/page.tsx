import { Card, PageHeader } from "@/app/_components/ui";

export const metadata = { title: "Topology" };

export default function TopologyPage() {
  return (
    <>
      <PageHeader title="Topology" />
      <Card>
        <p className="text-sm text-slate-700">
          A live map of sites, hubs and tunnels will appear here.
        </p>
      </Card>
    </>
  );
}

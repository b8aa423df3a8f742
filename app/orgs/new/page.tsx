import { TopBar } from "@/app/_components/top-bar";
import { Card, PageHeader } from "@/app/_components/ui";
import { requireUser } from "@/app/_trpc/server";
import { CreateOrgForm } from "./create-org-form";

export const metadata = { title: "New organization" };

export default async function NewOrgPage() {
  const user = await requireUser();
  return (
    <>
      <TopBar email={user.email} />
      <main id="main" className="mx-auto max-w-xl px-4 py-8">
        <PageHeader title="New organization" />
        <Card>
          <CreateOrgForm />
        </Card>
      </main>
    </>
  );
}

import { Link } from "@/app/_components/link";
import { TopBar } from "@/app/_components/top-bar";
import { ButtonLink, Card, PageHeader } from "@/app/_components/ui";
import { getCaller, requireUser } from "@/app/_trpc/server";
import { getHostOrg } from "@/server/api/host-org";

export const metadata = { title: "Your organizations" };

export default async function OrgsPage() {
  const user = await requireUser();
  const orgs = await (await getCaller()).org.list();
  const host = await getHostOrg();
  return (
    <>
      <TopBar email={user.email} />
      <main id="main" className="mx-auto max-w-3xl px-4 py-8">
        <PageHeader title="Your organizations">
          <ButtonLink href="/orgs/new">New organization</ButtonLink>
        </PageHeader>
        {orgs.length === 0 && host ? (
          <Card>
            <p className="text-slate-700">
              You have no access to {host.name} or its customers on this portal. Your other
              organizations are on the main portal, where you sign in separately.
            </p>
          </Card>
        ) : orgs.length === 0 ? (
          <Card>
            <p className="text-slate-700">
              You are not in any organization yet. Create one to begin.
            </p>
          </Card>
        ) : (
          <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
            {orgs.map((org) => (
              <li key={org.id}>
                <Link
                  href={`/o/${org.slug}`}
                  className="flex items-center justify-between px-4 py-3 hover:bg-slate-50"
                >
                  <span>
                    <span className="font-medium">{org.name}</span>
                    {org.kind === "msp" && (
                      <span className="ml-2 rounded bg-brand-100 px-1.5 py-0.5 text-xs text-brand-900">
                        MSP
                      </span>
                    )}
                    {org.viaOrgSlug && (
                      <span className="ml-2 text-xs text-slate-600">
                        customer of {org.viaOrgSlug}
                      </span>
                    )}
                  </span>
                  <span className="text-sm text-slate-600">{org.role}</span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </main>
    </>
  );
}

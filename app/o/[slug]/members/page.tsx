import { PageHeader } from "@/app/_components/ui";
import { getOrg, hasPermission } from "../org-context";
import { InviteForm } from "./invite-form";
import { MemberList } from "./member-list";

export const metadata = { title: "Members" };

export default async function MembersPage({ params }: { params: Promise<{ slug: string }> }) {
  const org = await getOrg((await params).slug);
  const canInvite = hasPermission(org, "member.invite");
  return (
    <>
      <PageHeader title="Members" />
      <div className="space-y-6">
        {canInvite && <InviteForm orgSlug={org.slug} actorRole={org.role} />}
        <MemberList
          orgSlug={org.slug}
          actorRole={org.role}
          canUpdate={hasPermission(org, "member.update")}
          canRemove={hasPermission(org, "member.remove")}
          canInvite={canInvite}
        />
      </div>
    </>
  );
}

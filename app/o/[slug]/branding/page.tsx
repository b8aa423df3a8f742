import { Forbidden } from "@/app/_components/forbidden";
import { PageHeader } from "@/app/_components/ui";
import { getOrg, hasPermission } from "../org-context";
import { BrandEditor } from "./brand-editor";
import { TemplateEditor } from "./template-editor";

export const metadata = { title: "Branding" };

export default async function BrandingPage({ params }: { params: Promise<{ slug: string }> }) {
  const org = await getOrg((await params).slug);
  if (!hasPermission(org, "brand.update")) return <Forbidden what="the branding" />;
  return (
    <>
      <PageHeader title="Branding" />
      <div className="space-y-6">
        <p className="text-sm text-slate-700">
          What people of {org.name} see: the product name, colours, logos and the wording of their
          mail. A field left empty uses{" "}
          {org.viaOrgSlug ? "the managing organization's setting" : "Patronus' default"}.
        </p>
        <BrandEditor orgSlug={org.slug} />
        <TemplateEditor orgSlug={org.slug} />
      </div>
    </>
  );
}

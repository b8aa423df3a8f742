import { Forbidden } from "@/app/_components/forbidden";
import { Link } from "@/app/_components/link";
import { getCaller, orNotFound } from "@/app/_trpc/server";
import { getOrg, hasPermission } from "../../org-context";
import { DeviceDetail } from "./device-detail";

export const metadata = { title: "Device" };

export default async function DevicePage({
  params,
}: {
  params: Promise<{ slug: string; deviceId: string }>;
}) {
  const { slug, deviceId } = await params;
  const org = await getOrg(slug);
  if (!hasPermission(org, "site.read")) return <Forbidden what="devices" />;
  // Missing, or another org's: the 404 page. The live view is fetched in the browser.
  const device = await orNotFound((await getCaller()).device.get({ orgSlug: org.slug, deviceId }));
  return (
    <>
      <Link
        href={`/o/${org.slug}/sites/${device.siteId}`}
        className="text-sm text-brand-700 underline"
      >
        ← {device.siteName}
      </Link>
      <h1 className="mt-2 mb-6 text-2xl font-semibold text-slate-900">{device.hostname}</h1>
      <DeviceDetail
        orgSlug={org.slug}
        deviceId={device.id}
        canWrite={hasPermission(org, "site.write")}
      />
    </>
  );
}

"use client";

import { useRouter } from "next/navigation";

interface OrgOption {
  slug: string;
  name: string;
  viaOrgSlug: string | null;
  kind: string;
}

/** Lists every org the user can open, MSP customer orgs indented under their MSP. */
export function OrgSwitcher({ current, orgs }: { current: string; orgs: OrgOption[] }) {
  const router = useRouter();
  return (
    <div className="flex items-center gap-2">
      <label htmlFor="org-switcher" className="sr-only">
        Organization
      </label>
      <select
        id="org-switcher"
        value={current}
        onChange={(e) => router.push(`/o/${e.target.value}`)}
        className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm"
      >
        {orgs.map((o) => (
          <option key={o.slug} value={o.slug}>
            {o.viaOrgSlug ? `↳ ${o.name}` : o.name}
            {o.kind === "msp" ? " (MSP)" : ""}
          </option>
        ))}
      </select>
    </div>
  );
}

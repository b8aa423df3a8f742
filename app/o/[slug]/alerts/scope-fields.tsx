import { Field, Select } from "@/app/_components/ui";

export interface SiteOption {
  id: string;
  name: string;
}

/** What each section of the alerting page takes. */
export interface SectionProps {
  orgSlug: string;
  sites: SiteOption[];
  canWrite: boolean;
}

/** "a, b,\nc" → ["a", "b", "c"]. */
export const listOf = (text: string) =>
  text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);

/** Where a rule applies: some sites and device tags (none of either: everywhere). */
export function ScopeFields({
  prefix,
  sites,
  siteIds,
  tags,
  errors,
}: {
  prefix: string;
  sites: SiteOption[];
  siteIds: string[];
  tags?: string[];
  errors: { siteIds?: string; tags?: string };
}) {
  return (
    <>
      <SitesSelect prefix={prefix} sites={sites} siteIds={siteIds} error={errors.siteIds} />
      {tags && (
        <Field
          id={`${prefix}tags`}
          label="Device tags"
          hint="Tags separated by commas; empty: every device"
          defaultValue={tags.join(", ")}
          error={errors.tags}
        />
      )}
    </>
  );
}

/** A choice of several sites; none chosen means every site. */
export function SitesSelect({
  prefix,
  sites,
  siteIds,
  error,
}: {
  prefix: string;
  sites: SiteOption[];
  siteIds: string[];
  error?: string;
}) {
  return (
    <Select
      id={`${prefix}sites`}
      label="Sites"
      multiple
      size={Math.min(5, Math.max(2, sites.length))}
      hint="None chosen: every site (Ctrl or ⌘ to choose several)"
      defaultValue={siteIds}
      error={error}
    >
      {sites.map((s) => (
        <option key={s.id} value={s.id}>
          {s.name}
        </option>
      ))}
    </Select>
  );
}

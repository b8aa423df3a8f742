import { ChangeDiff, changeSummary } from "@/app/_components/change-diff";
import type { Change } from "@/server/api/shared";

/** Names people use for the intent's and the config's sections. */
const SECTION_NAMES: Record<string, string> = {
  rules: "Policy rules",
  policy: "Policy",
  sites: "Sites",
  site: "Site",
  portForwards: "Port forwards",
  "port-forwards": "Port forwards",
  services: "Services",
  overlay: "Overlay",
};

export const sectionName = (key: string) => SECTION_NAMES[key] ?? key;

/** Each changed section: its name, a count of its changes, and the changes. */
export function SectionDiffs({
  sections,
  empty,
}: {
  sections: readonly { section: string; changes: unknown[] }[];
  empty: string;
}) {
  if (sections.length === 0) return <p className="text-sm text-slate-600">{empty}</p>;
  return (
    <div className="space-y-4">
      {sections.map((s) => {
        const changes = s.changes as Change[];
        return (
          <div key={s.section} data-testid="section-diff" data-section={s.section}>
            <h3 className="text-sm font-semibold text-slate-900">
              {sectionName(s.section)}{" "}
              <span className="font-normal text-slate-600">({changeSummary(changes)})</span>
            </h3>
            <div className="mt-1.5">
              <ChangeDiff changes={changes} label={`Changes to ${sectionName(s.section)}`} />
            </div>
          </div>
        );
      })}
    </div>
  );
}

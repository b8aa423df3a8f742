// The policy domain's compiler section: a site's rules are those for every site and its
// own, in priority order, at most MAX_SITE_RULES (the data plane's table; the API refuses
// a rule that would make any site exceed it); their ids are positions, so the per-rule
// counters line up with the rule list the portal shows.
import { MAX_SITE_RULES } from "../../../protocol";
import type { CompilerSection } from "../../platform/features/contract";
import type { RulesIntent } from "./schemas";

export const policySection: CompilerSection<{ rules: RulesIntent }> = {
  section: "policy",
  forOrg(_orgId, intent) {
    return {
      site: (siteId) => ({
        rules: intent.rules
          .filter((r) => r.siteId === null || r.siteId === siteId)
          .slice(0, MAX_SITE_RULES)
          .map((r, i) => ({
            id: i + 1,
            src: r.src,
            dst: r.dst,
            proto: r.proto,
            ...(r.portLo !== null && r.portHi !== null
              ? { ports: [r.portLo, r.portHi] as [number, number] }
              : {}),
            action: r.action,
          })),
      }),
    };
  },
};

import type { RuleInput } from "@/server/domains/policy";

export type Rule = Omit<RuleInput, "ports"> & {
  id: string;
  ports: { lo: number; hi: number } | null;
};

/** Fields a rule form shows errors next to; the selects cannot be wrong but for a gone site. */
export const RULE_FIELDS = ["priority", "src", "dst", "ports", "description"] as const;

/** The rule in a RuleFields form whose ids start with `prefix`. */
export function readRule(form: FormData, prefix: string): RuleInput {
  const text = (k: string) => String(form.get(`${prefix}${k}`) ?? "").trim();
  const lo = text("port-lo");
  const hi = text("port-hi");
  return {
    siteId: text("site") || null,
    priority: text("priority") === "" ? Number.NaN : Number(text("priority")),
    action: text("action") as RuleInput["action"],
    src: text("src"),
    dst: text("dst"),
    proto: text("proto") as RuleInput["proto"],
    // One port given: a range of one.
    ports: lo || hi ? { lo: Number(lo || hi), hi: Number(hi || lo) } : null,
    description: text("description"),
  };
}

export function describePorts(r: Pick<Rule, "proto" | "ports">) {
  if (!r.ports) return r.proto;
  const range = r.ports.lo === r.ports.hi ? `${r.ports.lo}` : `${r.ports.lo}–${r.ports.hi}`;
  return `${r.proto} ${range}`;
}

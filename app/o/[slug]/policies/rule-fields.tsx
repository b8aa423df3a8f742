"use client";

import { useState } from "react";
import { Fieldset } from "@/app/_components/form-extras";
import { AppliesToSelect, PriorityField } from "@/app/_components/scope-fields";
import { Field, PortField, Select } from "@/app/_components/ui";
import type { Rule } from "./rule-input";

interface Props {
  /** Prefix of every input id, so two rule forms can share a page. */
  prefix: string;
  sites: { id: string; name: string }[];
  rule?: Rule;
  defaultPriority?: number;
  errors: Partial<Record<string, string>>;
}

/** The two ends of the traffic a rule matches. */
const ENDS = [
  { key: "src", label: "Source", placeholder: "10.1.0.0/16" },
  { key: "dst", label: "Destination", placeholder: "10.2.0.0/24" },
] as const;

/** The inputs of one policy rule; read back with readRule(form, prefix). */
export function RuleFields({ prefix, sites, rule, defaultPriority = 100, errors }: Props) {
  const [proto, setProto] = useState<string>(rule?.proto ?? "any");
  const portsApply = proto === "tcp" || proto === "udp";
  return (
    <div className="space-y-3">
      <div className="grid gap-3 sm:grid-cols-3">
        <AppliesToSelect prefix={prefix} sites={sites} defaultValue={rule?.siteId ?? ""} />
        <PriorityField
          prefix={prefix}
          defaultValue={rule?.priority ?? defaultPriority}
          error={errors.priority}
        />
        <Select id={`${prefix}action`} label="Action" defaultValue={rule?.action ?? "deny"}>
          <option value="deny">Deny</option>
          <option value="allow">Allow</option>
        </Select>
      </div>
      <div className="grid gap-3 sm:grid-cols-2">
        {ENDS.map(({ key, label, placeholder }) => (
          <Field
            key={key}
            id={`${prefix}${key}`}
            label={label}
            defaultValue={rule?.[key] ?? ""}
            placeholder={placeholder}
            hint="An IPv4 prefix; 0.0.0.0/0 is any"
            required
            error={errors[key]}
          />
        ))}
      </div>
      <div className="grid gap-3 sm:grid-cols-3">
        <Select
          id={`${prefix}proto`}
          label="Protocol"
          value={proto}
          onChange={(e) => setProto(e.target.value)}
        >
          <option value="any">Any</option>
          <option value="tcp">TCP</option>
          <option value="udp">UDP</option>
          <option value="icmp">ICMP</option>
        </Select>
        <Fieldset
          legend="Ports"
          disabled={!portsApply}
          className="grid gap-3 sm:col-span-2 sm:grid-cols-2"
        >
          <PortField
            id={`${prefix}port-lo`}
            label="First port"
            defaultValue={rule?.ports?.lo ?? ""}
            hint={portsApply ? "Empty for every port" : "TCP and UDP only"}
            error={errors.ports}
          />
          <PortField
            id={`${prefix}port-hi`}
            label="Last port"
            defaultValue={rule?.ports?.hi ?? ""}
            hint="Empty for a single port"
          />
        </Fieldset>
      </div>
      <Field
        id={`${prefix}description`}
        label="Description"
        defaultValue={rule?.description ?? ""}
        error={errors.description}
      />
    </div>
  );
}

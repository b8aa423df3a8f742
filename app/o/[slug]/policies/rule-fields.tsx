"use client";

import { useState } from "react";
import { Field, Select } from "@/app/_components/ui";
import type { Rule } from "./rule-input";

interface Props {
  /** Prefix of every input id, so two rule forms can share a page. */
  prefix: string;
  sites: { id: string; name: string }[];
  rule?: Rule;
  defaultPriority?: number;
  errors: Partial<Record<string, string>>;
}

/** The inputs of one policy rule; read back with readRule(form, prefix). */
export function RuleFields({ prefix, sites, rule, defaultPriority = 100, errors }: Props) {
  const [proto, setProto] = useState<string>(rule?.proto ?? "any");
  const portsApply = proto === "tcp" || proto === "udp";
  return (
    <div className="space-y-3">
      <div className="grid gap-3 sm:grid-cols-3">
        <Select id={`${prefix}site`} label="Applies to" defaultValue={rule?.siteId ?? ""}>
          <option value="">All sites</option>
          {sites.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </Select>
        <Field
          id={`${prefix}priority`}
          label="Priority"
          type="number"
          inputMode="numeric"
          min={0}
          defaultValue={rule?.priority ?? defaultPriority}
          hint="Lower numbers match first"
          error={errors.priority}
        />
        <Select id={`${prefix}action`} label="Action" defaultValue={rule?.action ?? "deny"}>
          <option value="deny">Deny</option>
          <option value="allow">Allow</option>
        </Select>
      </div>
      <div className="grid gap-3 sm:grid-cols-2">
        <Field
          id={`${prefix}src`}
          label="Source"
          defaultValue={rule?.src ?? ""}
          placeholder="10.1.0.0/16"
          hint="An IPv4 prefix; 0.0.0.0/0 is any"
          required
          error={errors.src}
        />
        <Field
          id={`${prefix}dst`}
          label="Destination"
          defaultValue={rule?.dst ?? ""}
          placeholder="10.2.0.0/24"
          hint="An IPv4 prefix; 0.0.0.0/0 is any"
          required
          error={errors.dst}
        />
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
        <fieldset
          disabled={!portsApply}
          className="grid gap-3 sm:col-span-2 sm:grid-cols-2 [&_:disabled]:cursor-not-allowed [&_:disabled]:bg-slate-100"
        >
          <legend className="sr-only">Ports</legend>
          <Field
            id={`${prefix}port-lo`}
            label="First port"
            type="number"
            inputMode="numeric"
            min={1}
            max={65535}
            defaultValue={rule?.ports?.lo ?? ""}
            hint={portsApply ? "Empty for every port" : "TCP and UDP only"}
            error={errors.ports}
          />
          <Field
            id={`${prefix}port-hi`}
            label="Last port"
            type="number"
            inputMode="numeric"
            min={1}
            max={65535}
            defaultValue={rule?.ports?.hi ?? ""}
            hint="Empty for a single port"
          />
        </fieldset>
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

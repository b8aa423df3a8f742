"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { onSubmitRead } from "@/app/_components/form-data";
import { formErrorsFor } from "@/app/_components/form-errors-for";
import { Checkbox, FormFooter } from "@/app/_components/form-extras";
import { AppliesToSelect, PriorityField } from "@/app/_components/scope-fields";
import { Field, NamedOptions, Select, TextArea } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import type { SteeringPolicyInput } from "@/server/domains/overlay/schemas";
import { useIntentForm } from "../_overlay/use-intent-form";
import {
  newPreferredRow,
  PreferredEditor,
  type PreferredRow,
  type SiteLinks,
  toPreferred,
} from "./preferred-editor";
import type { SteeringPolicy } from "./steering-policies";

type Named = { id: string; name: string };

interface Props {
  orgSlug: string;
  policy?: SteeringPolicy;
  refs: { apps: Named[]; groups: Named[]; slas: Named[]; sites: SiteLinks[] };
  defaultPriority: number;
  onDone?: () => void;
}

/** Adds or edits one steering policy. */
export function PolicyForm({ orgSlug, policy, refs, defaultPriority, onDone }: Props) {
  const trpc = useTRPC();
  // Controlled: the local links offered depend on the site the policy applies to.
  const [siteId, setSiteId] = useState(policy?.siteId ?? "");
  const [rows, setRows] = useState<PreferredRow[]>(() =>
    (policy?.preferred ?? []).map(newPreferredRow),
  );
  const { prefix, added, onSuccess } = useIntentForm("policy", policy, {
    onDone,
    onAdded: () => {
      setSiteId("");
      setRows([]);
    },
  });
  const create = useMutation(trpc.overlay.policies.create.mutationOptions({ onSuccess }));
  const update = useMutation(trpc.overlay.policies.update.mutationOptions({ onSuccess }));
  const m = policy ? update : create;
  const known = [
    "name",
    "priority",
    "appClassId",
    "srcPrefixes",
    ...rows.map((_, i) => `preferred.${i}`),
    ...(rows.length ? ["preferred"] : []),
  ];
  const { message, fields } = formErrorsFor(m.error, known, "policy.");
  const ownSite = refs.sites.find((s) => s.id === siteId);
  const localLinks = [
    ...new Set((ownSite ? [ownSite] : refs.sites).flatMap((s) => s.links.map((l) => l.name))),
  ];

  return (
    <form
      aria-label={policy ? `Edit policy ${policy.name}` : "Add a steering policy"}
      className="space-y-3"
      noValidate
      onSubmit={onSubmitRead(prefix, (r) => {
        const input: SteeringPolicyInput = {
          name: r.text("name"),
          priority: r.num("priority"),
          siteId: siteId || null,
          appClassId: r.optText("app"),
          userGroupId: r.optText("group"),
          srcPrefixes: r.lines("sources"),
          preferred: toPreferred(rows),
          slaClassId: r.optText("sla"),
          onViolation: r.text("violation") as SteeringPolicyInput["onViolation"],
          enabled: r.checked("enabled"),
        };
        if (policy) update.mutate({ orgSlug, steeringPolicyId: policy.id, ...input });
        else create.mutate({ orgSlug, ...input });
      })}
    >
      <div key={added} className="space-y-3">
        <div className="grid gap-3 sm:grid-cols-3">
          <Field
            id={`${prefix}name`}
            label="Policy name"
            defaultValue={policy?.name ?? ""}
            placeholder="Voice over fiber"
            required
            error={fields.name}
          />
          <PriorityField
            prefix={prefix}
            defaultValue={policy?.priority ?? defaultPriority}
            error={fields.priority}
          />
          <AppliesToSelect
            prefix={prefix}
            sites={refs.sites}
            value={siteId}
            onChange={(e) => setSiteId(e.target.value)}
          />
        </div>
        <div className="grid gap-3 sm:grid-cols-3">
          <Select
            id={`${prefix}app`}
            label="Application class"
            defaultValue={policy?.appClassId ?? ""}
            hint="A class, a user group or source prefixes (or several)"
            error={fields.appClassId}
          >
            <NamedOptions items={refs.apps} none="Any traffic" />
          </Select>
          <Select id={`${prefix}group`} label="User group" defaultValue={policy?.userGroupId ?? ""}>
            <NamedOptions items={refs.groups} none="Any users" />
          </Select>
          <TextArea
            id={`${prefix}sources`}
            label="Source prefixes"
            rows={2}
            defaultValue={policy?.srcPrefixes.join("\n") ?? ""}
            placeholder="10.1.30.0/24"
            hint="One IPv4 prefix per line; optional"
            error={fields.srcPrefixes}
          />
        </div>
        <div className="grid gap-3 sm:grid-cols-3">
          <Select id={`${prefix}sla`} label="SLA class" defaultValue={policy?.slaClassId ?? ""}>
            <NamedOptions items={refs.slas} none="The class's own" />
          </Select>
          <Select
            id={`${prefix}violation`}
            label="When no path meets the SLA"
            defaultValue={policy?.onViolation ?? "best_effort"}
            hint="Hold keeps the current path while it is up"
          >
            <option value="best_effort">Best effort (best path up)</option>
            <option value="hold">Hold (current path while up)</option>
          </Select>
          <div className="flex items-end pb-2">
            <Checkbox
              id={`${prefix}enabled`}
              label="Enabled"
              defaultChecked={policy?.enabled ?? true}
            />
          </div>
        </div>
      </div>
      <PreferredEditor
        idPrefix={prefix}
        rows={rows}
        onChange={setRows}
        sites={refs.sites.filter((s) => s.id !== siteId)}
        localLinks={localLinks}
        errors={(i) => fields[`preferred.${i}`] ?? (i === 0 ? fields.preferred : undefined)}
      />
      <FormFooter
        message={message}
        success={!policy && create.isSuccess && "Policy added."}
        submitLabel={policy ? "Save policy" : "Add policy"}
        pending={m.isPending}
        onCancel={onDone}
      />
    </form>
  );
}

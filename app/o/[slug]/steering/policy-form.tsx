"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { formErrorsFor } from "@/app/_components/form-errors-for";
import { Checkbox, TextArea } from "@/app/_components/form-extras";
import { Field } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import type { SteeringPolicyInput } from "@/server/fleet/intent/overlay-schemas";
import { formReader } from "../_overlay/form-data";
import { FormFooter } from "../_overlay/form-footer";
import { SelectField } from "../_overlay/select-field";
import { useOverlayRefresh } from "../_overlay/use-refresh";
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
  const refresh = useOverlayRefresh();
  const prefix = policy ? "edit-policy-" : "policy-";
  const [added, setAdded] = useState(0);
  // Controlled: the local links offered depend on the site the policy applies to.
  const [siteId, setSiteId] = useState(policy?.siteId ?? "");
  const [rows, setRows] = useState<PreferredRow[]>(() =>
    (policy?.preferred ?? []).map(newPreferredRow),
  );
  const onSuccess = () => {
    refresh();
    if (!policy) {
      setAdded((n) => n + 1);
      setSiteId("");
      setRows([]);
    }
    onDone?.();
  };
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
      onSubmit={(e) => {
        e.preventDefault();
        const r = formReader(new FormData(e.currentTarget), prefix);
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
        if (policy) update.mutate({ orgSlug, policyId: policy.id, policy: input });
        else create.mutate({ orgSlug, policy: input });
      }}
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
          <Field
            id={`${prefix}priority`}
            label="Priority"
            type="number"
            inputMode="numeric"
            min={0}
            defaultValue={policy?.priority ?? defaultPriority}
            hint="Lower numbers match first"
            error={fields.priority}
          />
          <SelectField
            id={`${prefix}site`}
            label="Applies to"
            value={siteId}
            onChange={(e) => setSiteId(e.target.value)}
          >
            <option value="">All sites</option>
            {refs.sites.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </SelectField>
        </div>
        <div className="grid gap-3 sm:grid-cols-3">
          <SelectField
            id={`${prefix}app`}
            label="Application class"
            defaultValue={policy?.appClassId ?? ""}
            hint="A class, a user group or source prefixes (or several)"
            error={fields.appClassId}
          >
            <option value="">Any traffic</option>
            {refs.apps.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </SelectField>
          <SelectField
            id={`${prefix}group`}
            label="User group"
            defaultValue={policy?.userGroupId ?? ""}
          >
            <option value="">Any users</option>
            {refs.groups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </SelectField>
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
          <SelectField
            id={`${prefix}sla`}
            label="SLA class"
            defaultValue={policy?.slaClassId ?? ""}
          >
            <option value="">The class's own</option>
            {refs.slas.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </SelectField>
          <SelectField
            id={`${prefix}violation`}
            label="When no path meets the SLA"
            defaultValue={policy?.onViolation ?? "best_effort"}
            hint="Hold keeps the current path while it is up"
          >
            <option value="best_effort">Best effort (best path up)</option>
            <option value="hold">Hold (current path while up)</option>
          </SelectField>
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

"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { formErrorsFor } from "@/app/_components/form-errors-for";
import { FormFooter } from "@/app/_components/form-extras";
import { Field, NumberField, Options, Select } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { CHOICES } from "../list-specs";
import { listOf, ScopeFields, type SiteOption } from "./scope-fields";

export interface RuleKindInfo {
  kind: string;
  description: string;
  defaults: { name: string; severity: string; forSeconds: number; params: Record<string, unknown> };
}

export interface RuleRow {
  id: string;
  kind: string;
  name: string;
  severity: string;
  forSeconds: number;
  params: Record<string, unknown>;
  siteIds: string[];
  tags: string[];
}

const FIELDS = ["name", "kind", "severity", "forSeconds", "params", "siteIds", "tags"] as const;

/** "windowSeconds" → "Window seconds". */
const paramLabel = (key: string) => {
  const words = key.replace(/([A-Z])/g, " $1").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** The kind's params from the form: numbers as numbers, lists from comma-separated names. */
function readParams(form: FormData, prefix: string, defaults: Record<string, unknown>) {
  const params: Record<string, unknown> = {};
  for (const [key, example] of Object.entries(defaults)) {
    const raw = String(form.get(`${prefix}param-${key}`) ?? "").trim();
    if (Array.isArray(example)) params[key] = listOf(raw);
    else if (typeof example === "number") params[key] = raw === "" ? null : Number(raw);
    else params[key] = raw;
  }
  return params;
}

/** One param's control, by the type of its default: a number, or a list of names. */
function ParamField({
  prefix,
  name,
  example,
  value,
  error,
}: {
  prefix: string;
  name: string;
  example: unknown;
  value: unknown;
  error?: string;
}) {
  const id = `${prefix}param-${name}`;
  if (typeof example === "number")
    return (
      <NumberField
        id={id}
        label={paramLabel(name)}
        defaultValue={String(value ?? example)}
        error={error}
      />
    );
  return (
    <Field
      id={id}
      label={paramLabel(name)}
      hint="Names separated by commas; empty: every one"
      defaultValue={Array.isArray(value) ? value.join(", ") : String(value ?? "")}
      error={error}
    />
  );
}

/** Adds a rule of a chosen kind (its defaults filled in), or edits `rule`. */
export function RuleForm({
  orgSlug,
  kinds,
  sites,
  rule,
  onDone,
}: {
  orgSlug: string;
  kinds: RuleKindInfo[];
  sites: SiteOption[];
  rule?: RuleRow;
  onDone?: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const prefix = rule ? "rule-edit-" : "rule-new-";
  const [kind, setKind] = useState(rule?.kind ?? kinds[0]?.kind ?? "");
  // Bumped after each rule added, to reset the fields to the kind's defaults.
  const [added, setAdded] = useState(0);
  const info = kinds.find((k) => k.kind === kind);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.alerts.rules.queryKey() });
  const create = useMutation(
    trpc.alerts.createRule.mutationOptions({
      onSuccess: () => {
        setAdded((n) => n + 1);
        void refresh();
      },
    }),
  );
  const update = useMutation(
    trpc.alerts.updateRule.mutationOptions({
      onSuccess: () => {
        void refresh();
        onDone?.();
      },
    }),
  );
  const save = rule ? update : create;
  const { message, fields } = formErrorsFor(save.error, FIELDS);
  if (!info) return null;
  const base = rule ?? { ...info.defaults, siteIds: [], tags: [] };
  return (
    <form
      aria-label={rule ? `Edit rule ${rule.name}` : "Add an alert rule"}
      className="space-y-3"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        const values = {
          orgSlug,
          name: String(form.get(`${prefix}name`) ?? "").trim(),
          severity: String(form.get(`${prefix}severity`)) as never,
          forSeconds: Number(form.get(`${prefix}for`) || 0),
          params: readParams(form, prefix, info.defaults.params),
          siteIds: form.getAll(`${prefix}sites`).map(String),
          tags: listOf(String(form.get(`${prefix}tags`) ?? "")),
        };
        if (rule) update.mutate({ ...values, ruleId: rule.id });
        else create.mutate({ ...values, kind: kind as never });
      }}
    >
      {rule ? (
        <p className="text-sm text-slate-700">{info.description}</p>
      ) : (
        <Select
          id={`${prefix}kind`}
          label="Kind"
          value={kind}
          hint={info.description}
          onChange={(e) => setKind(e.currentTarget.value)}
        >
          <Options items={kinds.map((k) => ({ value: k.kind, label: k.defaults.name }))} />
        </Select>
      )}
      {/* Keyed by the kind: another kind's defaults replace the fields. */}
      <div key={`${kind}-${added}`} className="grid gap-3 sm:grid-cols-2">
        <Field
          id={`${prefix}name`}
          label="Name"
          defaultValue={base.name}
          required
          error={fields.name}
        />
        <Select
          id={`${prefix}severity`}
          label="Severity"
          defaultValue={base.severity}
          error={fields.severity}
        >
          <Options items={CHOICES.severity} />
        </Select>
        <NumberField
          id={`${prefix}for`}
          label="Fires after (seconds)"
          min={0}
          hint="How long the condition must hold first"
          defaultValue={String(base.forSeconds)}
          error={fields.forSeconds}
        />
        {Object.entries(info.defaults.params).map(([name, example]) => (
          <ParamField
            key={name}
            prefix={prefix}
            name={name}
            example={example}
            value={base.params[name]}
            error={fields.params}
          />
        ))}
        <ScopeFields
          prefix={prefix}
          sites={sites}
          siteIds={base.siteIds}
          tags={base.tags}
          errors={fields}
        />
      </div>
      <FormFooter
        message={message}
        success={!rule && create.isSuccess && `Rule ${create.data.name} added.`}
        submitLabel={rule ? "Save rule" : "Add rule"}
        pending={save.isPending}
        onCancel={onDone}
      />
    </form>
  );
}

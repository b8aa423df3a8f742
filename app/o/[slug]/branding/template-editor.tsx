"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { formErrorsFor } from "@/app/_components/form-errors-for";
import { Alert, Button, Card, Field, Options, Select, TextArea } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { PLACEHOLDER_HELP, TEMPLATE_KINDS, ZTemplateInput } from "@/server/api/shared";
import { issuesByField } from "./client-checks";

type Kind = (typeof TEMPLATE_KINDS)[number];
const LABELS: Record<Kind, string> = {
  "verify-email": "Email verification",
  "reset-password": "Password reset",
  invitation: "Invitation",
  alert: "Alerts (billing)",
};
const SOURCE: Record<string, string> = {
  own: "this organization's own text",
  msp: "the managing organization's text",
  default: "the default text",
};

/** Each kind of mail's subject and text, checked as the server checks them, with a preview. */
export function TemplateEditor({ orgSlug }: { orgSlug: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<Kind>("invitation");
  const list = useQuery(trpc.brand.templates.list.queryOptions({ orgSlug }));
  const current = list.data?.find((t) => t.kind === kind);
  // Kept here: a saved template remounts its form (new key), which would lose its own state.
  const [notice, setNotice] = useState<string | null>(null);
  const onSaved = (text: string) => {
    setNotice(text);
    void queryClient.invalidateQueries({ queryKey: trpc.brand.templates.list.queryKey() });
  };
  return (
    <Card>
      <h2 className="mb-3 font-semibold">Mail templates</h2>
      <div className="max-w-xs">
        <Select
          id="template-kind"
          label="Mail"
          value={kind}
          onChange={(e) => {
            setKind(e.target.value as Kind);
            setNotice(null);
          }}
        >
          <Options items={TEMPLATE_KINDS.map((k) => ({ value: k, label: LABELS[k] }))} />
        </Select>
      </div>
      {notice && (
        <div className="mt-3">
          <Alert kind="success">{notice}</Alert>
        </div>
      )}
      {current && (
        <TemplateForm
          key={`${kind}-${current.source}-${current.subject}-${current.body}`}
          orgSlug={orgSlug}
          template={current}
          onSaved={onSaved}
        />
      )}
    </Card>
  );
}

function TemplateForm({
  orgSlug,
  template,
  onSaved,
}: {
  orgSlug: string;
  template: {
    kind: Kind;
    subject: string;
    body: string;
    source: string;
    placeholders: string[];
    required: string[];
  };
  onSaved: (notice: string) => void;
}) {
  const trpc = useTRPC();
  const [local, setLocal] = useState<Record<string, string>>({});
  const save = useMutation(
    trpc.brand.templates.update.mutationOptions({ onSuccess: () => onSaved("Template saved.") }),
  );
  const reset = useMutation(
    trpc.brand.templates.reset.mutationOptions({
      onSuccess: () => onSaved("The inherited text is in use again."),
    }),
  );
  const preview = useMutation(trpc.brand.previewTemplate.mutationOptions());
  const server = formErrorsFor(save.error ?? preview.error, ["subject", "body"] as const);
  const fields: Record<string, string | undefined> = { ...server.fields, ...local };

  const checked = (form: HTMLFormElement) => {
    const data = new FormData(form);
    const input = {
      kind: template.kind,
      subject: String(data.get("template-subject") ?? ""),
      body: String(data.get("template-body") ?? ""),
    };
    const result = ZTemplateInput.safeParse(input);
    setLocal(issuesByField(result));
    return result.success ? input : null;
  };

  return (
    <form
      className="mt-4 space-y-3"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const input = checked(e.currentTarget);
        if (input) save.mutate({ orgSlug, ...input });
      }}
    >
      <p className="text-sm text-slate-700">In use: {SOURCE[template.source]}.</p>
      {server.message && <Alert>{server.message}</Alert>}
      <Field
        id="template-subject"
        label="Subject"
        defaultValue={template.subject}
        error={fields.subject}
      />
      <TextArea
        id="template-body"
        label="Text"
        rows={7}
        defaultValue={template.body}
        error={fields.body}
      />
      <div className="text-xs text-slate-700">
        <p>Placeholders{template.required.length ? " ({{url}} is required in the text)" : ""}:</p>
        <ul className="mt-1 grid gap-0.5 sm:grid-cols-2">
          {template.placeholders.map((p) => (
            <li key={p}>
              <code>{`{{${p}}}`}</code> {PLACEHOLDER_HELP[p]}
            </li>
          ))}
        </ul>
      </div>
      <div className="flex flex-wrap gap-2">
        <Button type="submit" disabled={save.isPending}>
          Save template
        </Button>
        <Button
          variant="secondary"
          onClick={(e) => {
            const input = checked(e.currentTarget.form!);
            if (input) preview.mutate({ orgSlug, ...input });
          }}
        >
          Preview
        </Button>
        {template.source === "own" && (
          <Button
            variant="secondary"
            onClick={() => reset.mutate({ orgSlug, kind: template.kind })}
          >
            Use the inherited text
          </Button>
        )}
      </div>
      {preview.data && (
        <section
          aria-label="Mail preview"
          className="rounded-md border border-slate-200 bg-slate-50 p-3 text-sm"
        >
          <p>
            <strong>From:</strong> {preview.data.from ?? "(the install's sender)"}
          </p>
          <p>
            <strong>Subject:</strong> {preview.data.subject}
          </p>
          <pre className="mt-2 whitespace-pre-wrap font-sans">{preview.data.text}</pre>
        </section>
      )}
    </form>
  );
}

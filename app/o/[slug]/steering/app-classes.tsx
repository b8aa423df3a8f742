"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { CrudSection } from "@/app/_components/crud-section";
import { onSubmitRead } from "@/app/_components/form-data";
import { formErrorsFor } from "@/app/_components/form-errors-for";
import { FormFooter } from "@/app/_components/form-extras";
import { Badge, Td } from "@/app/_components/status-ui";
import { Field, NamedOptions, NumberField, Options, Select } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { PAGE_MAX } from "@/server/api/shared";
import type { OverlayIntent } from "@/server/domains/overlay";
import type { AppClassInput } from "@/server/domains/overlay/schemas";
import { useIntentForm } from "../_overlay/use-intent-form";
import { useOverlayRefresh } from "../_overlay/use-refresh";
import { describeMatch, MatchEditor, type MatchRow, newMatchRow, toMatch } from "./match-editor";
import { policiesGoToo } from "./policies-go-too";

export type AppClass = OverlayIntent["appClasses"][number] & { policies?: number };

export const APP_KINDS = [
  "voice",
  "video",
  "interactive",
  "saas",
  "bulk",
  "default",
  "custom",
] as const satisfies readonly AppClassInput["kind"][];

/** Application classes: what the box classifies into one app id, its DSCP and its SLA. */
export function AppClasses({ orgSlug, canWrite }: { orgSlug: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const refresh = useOverlayRefresh();
  const list = useQuery(trpc.overlay.apps.list.queryOptions({ orgSlug, limit: PAGE_MAX }));
  const slas = useQuery(trpc.overlay.sla.list.queryOptions({ orgSlug, limit: PAGE_MAX }));
  const slaList = slas.data?.items ?? [];
  const slaName = (id: string | null) =>
    id ? (slaList.find((s) => s.id === id)?.name ?? "(deleted)") : "—";
  return (
    <CrudSection
      title="Application classes"
      description="Traffic the site boxes classify by destination port or prefix; each class is steered by its SLA and the policies that name it."
      what={(a) => `application class ${a.name}`}
      query={{ data: list.data?.items, error: list.error }}
      order={(a, b) => a.number - b.number}
      empty="No application classes yet."
      headers={["App id", "Name", "Kind", "DSCP", "Matches", "SLA", "Policies"]}
      cells={(a) => (
        <>
          <Td className="tabular-nums">{a.number}</Td>
          <Td className="font-medium">{a.name}</Td>
          <Td>
            <Badge>{a.kind}</Badge>
          </Td>
          <Td className="tabular-nums">{a.dscp ?? "—"}</Td>
          <Td className="font-mono text-xs">
            {a.match.length === 0
              ? "—"
              : a.match.map((m) => <div key={describeMatch(m)}>{describeMatch(m)}</div>)}
          </Td>
          <Td>{slaName(a.slaClassId)}</Td>
          <Td>{a.policies ?? 0}</Td>
        </>
      )}
      rowData={(a) => ({
        "data-testid": "app-class-row",
        "data-app-id": a.id,
        "data-name": a.name,
        "data-number": String(a.number),
      })}
      canWrite={canWrite}
      remove={trpc.overlay.apps.delete.mutationOptions({ onSettled: refresh })}
      removeInput={(a) => ({ orgSlug, appClassId: a.id })}
      deleteText={(a) => policiesGoToo(a.policies)}
      addTitle="Add an application class"
      form={(app, close) => (
        <AppClassForm orgSlug={orgSlug} app={app} slas={slaList} onDone={close} />
      )}
    />
  );
}

function AppClassForm({
  orgSlug,
  app,
  slas,
  onDone,
}: {
  orgSlug: string;
  app?: AppClass;
  slas: { id: string; name: string }[];
  onDone?: () => void;
}) {
  const trpc = useTRPC();
  const [rows, setRows] = useState<MatchRow[]>(() => (app?.match ?? []).map(newMatchRow));
  const { prefix, added, onSuccess } = useIntentForm("app", app, {
    onDone,
    onAdded: () => setRows([]),
  });
  const create = useMutation(trpc.overlay.apps.create.mutationOptions({ onSuccess }));
  const update = useMutation(trpc.overlay.apps.update.mutationOptions({ onSuccess }));
  const m = app ? update : create;
  // A field not on the form (kind, SLA class) joins the headline instead.
  const known = [
    "name",
    "number",
    "dscp",
    ...rows.map((_, i) => `match.${i}`),
    ...(rows.length ? ["match"] : []),
  ];
  const { message, fields } = formErrorsFor(m.error, known, "app.");
  return (
    <form
      aria-label={app ? `Edit application class ${app.name}` : "Add an application class"}
      className="space-y-3"
      noValidate
      onSubmit={onSubmitRead(prefix, (r) => {
        const input: AppClassInput = {
          name: r.text("name"),
          kind: r.text("kind") as AppClassInput["kind"],
          number: r.text("number") === "" ? undefined : r.num("number"),
          dscp: r.optNum("dscp"),
          match: toMatch(rows),
          slaClassId: r.optText("sla"),
        };
        if (app) update.mutate({ orgSlug, appClassId: app.id, ...input });
        else create.mutate({ orgSlug, ...input });
      })}
    >
      <div key={added} className="space-y-3">
        <div className="grid gap-3 sm:grid-cols-2">
          <Field
            id={`${prefix}name`}
            label="Class name"
            defaultValue={app?.name ?? ""}
            placeholder="Teams voice"
            required
            error={fields.name}
          />
          <Select id={`${prefix}kind`} label="Kind" defaultValue={app?.kind ?? "custom"}>
            <Options items={APP_KINDS} />
          </Select>
        </div>
        <div className="grid gap-3 sm:grid-cols-3">
          <NumberField
            id={`${prefix}number`}
            label="App id"
            min={1}
            max={250}
            defaultValue={app?.number ?? ""}
            hint="1–250; empty: the lowest free one"
            error={fields.number}
          />
          <NumberField
            id={`${prefix}dscp`}
            label="DSCP"
            min={0}
            max={63}
            defaultValue={app?.dscp ?? ""}
            hint="0–63 (EF is 46); empty: leave as is"
            error={fields.dscp}
          />
          <Select id={`${prefix}sla`} label="SLA class" defaultValue={app?.slaClassId ?? ""}>
            <NamedOptions items={slas} none="None" />
          </Select>
        </div>
      </div>
      <MatchEditor
        idPrefix={prefix}
        rows={rows}
        onChange={setRows}
        errors={(i) => fields[`match.${i}`] ?? (i === 0 ? fields.match : undefined)}
      />
      <FormFooter
        message={message}
        success={!app && create.isSuccess && "Application class added."}
        submitLabel={app ? "Save class" : "Add class"}
        pending={m.isPending}
        onCancel={onDone}
      />
    </form>
  );
}

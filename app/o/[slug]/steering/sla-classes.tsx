"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { CrudSection } from "@/app/_components/crud-section";
import { onSubmitRead } from "@/app/_components/form-data";
import { formErrorsFor } from "@/app/_components/form-errors-for";
import { FormFooter } from "@/app/_components/form-extras";
import { Td } from "@/app/_components/status-ui";
import { Field, NumberField } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { PAGE_MAX } from "@/server/api/shared";
import type { OverlayIntent } from "@/server/domains/overlay";
import { useIntentForm } from "../_overlay/use-intent-form";
import { useOverlayRefresh } from "../_overlay/use-refresh";

export type SlaClass = OverlayIntent["slaClasses"][number] & { inUse?: number };

const FIELDS = ["name", "maxLatencyMs", "maxJitterMs", "maxLossPct"] as const;

/** What a class of traffic needs from a path: the most latency, jitter and loss it takes. */
export function SlaClasses({ orgSlug, canWrite }: { orgSlug: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const refresh = useOverlayRefresh();
  const list = useQuery(trpc.overlay.sla.list.queryOptions({ orgSlug, limit: PAGE_MAX }));
  return (
    <CrudSection
      title="SLA classes"
      description="The most latency, jitter and loss a class of traffic takes; a path over any of them is degraded for it."
      what={(s) => `SLA class ${s.name}`}
      query={{ data: list.data?.items, error: list.error }}
      empty="No SLA classes yet."
      headers={["Name", "Max latency", "Max jitter", "Max loss", "Used by"]}
      cells={(s) => (
        <>
          <Td className="font-medium">{s.name}</Td>
          <Td className="tabular-nums">{s.maxLatencyMs} ms</Td>
          <Td className="tabular-nums">{s.maxJitterMs} ms</Td>
          <Td className="tabular-nums">{s.maxLossPct} %</Td>
          <Td>{s.inUse ?? 0}</Td>
        </>
      )}
      rowData={(s) => ({ "data-testid": "sla-row", "data-sla-id": s.id, "data-name": s.name })}
      canWrite={canWrite}
      remove={trpc.overlay.sla.delete.mutationOptions({ onSettled: refresh })}
      removeInput={(s) => ({ orgSlug, slaClassId: s.id })}
      deleteText={(s) =>
        s.inUse
          ? `${s.inUse} application classes and policies use it: they lose their SLA.`
          : "Nothing uses it."
      }
      addTitle="Add an SLA class"
      form={(sla, close) => <SlaForm orgSlug={orgSlug} sla={sla} onDone={close} />}
    />
  );
}

function SlaForm({
  orgSlug,
  sla,
  onDone,
}: {
  orgSlug: string;
  sla?: SlaClass;
  onDone?: () => void;
}) {
  const trpc = useTRPC();
  const { prefix, added, onSuccess } = useIntentForm("sla", sla, { onDone });
  const create = useMutation(trpc.overlay.sla.create.mutationOptions({ onSuccess }));
  const update = useMutation(trpc.overlay.sla.update.mutationOptions({ onSuccess }));
  const m = sla ? update : create;
  const { message, fields } = formErrorsFor(m.error, FIELDS, "sla.");
  return (
    <form
      aria-label={sla ? `Edit SLA class ${sla.name}` : "Add an SLA class"}
      className="space-y-3"
      noValidate
      onSubmit={onSubmitRead(prefix, (r) => {
        const input = {
          name: r.text("name"),
          maxLatencyMs: r.num("latency"),
          maxJitterMs: r.num("jitter"),
          maxLossPct: r.num("loss"),
        };
        if (sla) update.mutate({ orgSlug, slaClassId: sla.id, ...input });
        else create.mutate({ orgSlug, ...input });
      })}
    >
      <div key={added} className="grid gap-3 sm:grid-cols-4">
        <Field
          id={`${prefix}name`}
          label="SLA name"
          defaultValue={sla?.name ?? ""}
          placeholder="voice"
          required
          error={fields.name}
        />
        <NumberField
          id={`${prefix}latency`}
          label="Max latency (ms)"
          min={1}
          defaultValue={sla?.maxLatencyMs ?? 150}
          error={fields.maxLatencyMs}
        />
        <NumberField
          id={`${prefix}jitter`}
          label="Max jitter (ms)"
          min={0}
          defaultValue={sla?.maxJitterMs ?? 30}
          error={fields.maxJitterMs}
        />
        <NumberField
          id={`${prefix}loss`}
          label="Max loss (%)"
          inputMode="decimal"
          min={0}
          max={100}
          step="any"
          defaultValue={sla?.maxLossPct ?? 1}
          error={fields.maxLossPct}
        />
      </div>
      <FormFooter
        message={message}
        success={!sla && create.isSuccess && "SLA class added."}
        submitLabel={sla ? "Save SLA class" : "Add SLA class"}
        pending={m.isPending}
        onCancel={onDone}
      />
    </form>
  );
}

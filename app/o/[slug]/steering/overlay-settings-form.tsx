"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { onSubmitRead } from "@/app/_components/form-data";
import { formErrorsFor } from "@/app/_components/form-errors-for";
import { Fieldset, SettingsFooter } from "@/app/_components/form-extras";
import { Alert, Card, NamedOptions, NumberField, Select } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { PAGE_MAX } from "@/server/api/shared";
import type { OverlayIntent } from "@/server/domains/overlay";
import type { OverlaySettingsInput } from "@/server/domains/overlay/schemas";
import { InlineSelect, patchAt, RowButton, RowError, removeAt } from "../_overlay/inline-fields";
import { useOverlayRefresh } from "../_overlay/use-refresh";

type Settings = OverlayIntent["settings"];
type Topology = Settings["topology"];
interface Pair {
  key: number;
  a: string;
  b: string;
}

let nextKey = 0;

type SettingsMutation = {
  mutate: (v: { orgSlug: string } & OverlaySettingsInput) => void;
  error: unknown;
  isPending: boolean;
  isSuccess: boolean;
  data?: { revision: number };
};

/** The overlay's shape (which site pairs get tunnels) and its timers. */
export function OverlaySettingsForm({ orgSlug, canWrite }: { orgSlug: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const settings = useQuery(trpc.overlay.settings.get.queryOptions({ orgSlug }));
  const sites = useQuery(trpc.site.list.queryOptions({ orgSlug, limit: PAGE_MAX }));
  const refresh = useOverlayRefresh();
  // Up here: the fields remount with new settings, the outcome of the save stays.
  const update = useMutation(trpc.overlay.settings.update.mutationOptions({ onSuccess: refresh }));
  return (
    <Card>
      <h2 className="mb-1 font-semibold">Overlay</h2>
      <p className="mb-3 text-sm text-slate-700">
        Which sites get tunnels to which, how often paths are probed, and how long a better path
        must stay good before traffic goes back to it.
      </p>
      {settings.error && <Alert>{settings.error.message}</Alert>}
      {settings.isPending && <p className="text-sm text-slate-600">Loading…</p>}
      {settings.data && (
        <SettingsFields
          // New settings from the server (after a save elsewhere): start from them.
          key={JSON.stringify(settings.data)}
          orgSlug={orgSlug}
          settings={settings.data}
          sites={sites.data?.items.map((s) => ({ id: s.id, name: s.name })) ?? []}
          canWrite={canWrite}
          update={update}
        />
      )}
    </Card>
  );
}

function SettingsFields({
  orgSlug,
  settings,
  sites,
  canWrite,
  update,
}: {
  orgSlug: string;
  settings: Settings;
  sites: { id: string; name: string }[];
  canWrite: boolean;
  update: SettingsMutation;
}) {
  const [topology, setTopology] = useState<Topology>(settings.topology);
  const [pairs, setPairs] = useState<Pair[]>(() =>
    settings.sitePairs.map((p) => ({ key: nextKey++, ...p })),
  );
  const partial = topology === "partial_mesh";
  const known = [
    "probeIntervalMs",
    "holdDownSeconds",
    ...(partial ? [...pairs.map((_, i) => `sitePairs.${i}`), "sitePairs"] : []),
  ];
  const { message, fields } = formErrorsFor(update.error, known, "settings.");
  const setPair = (i: number, patch: Partial<Pair>) => setPairs(patchAt(pairs, i, patch));
  const siteOptions = <NamedOptions items={sites} none="Choose a site" />;

  return (
    <form
      aria-label="Overlay settings"
      noValidate
      onSubmit={onSubmitRead("overlay-", (r) => {
        const input: OverlaySettingsInput = {
          topology,
          sitePairs: partial ? pairs.map(({ a, b }) => ({ a, b })) : [],
          probeIntervalMs: r.num("probe"),
          holdDownSeconds: r.num("hold-down"),
        };
        update.mutate({ orgSlug, ...input });
      })}
    >
      <Fieldset legend="Overlay settings" disabled={!canWrite} className="space-y-3">
        <div className="grid gap-3 sm:grid-cols-3">
          <Select
            id="overlay-topology"
            label="Topology"
            value={topology}
            onChange={(e) => setTopology(e.target.value as Topology)}
          >
            <option value="full_mesh">Full mesh (every site pair)</option>
            <option value="hub_spoke">Hub and spoke (sites to hubs)</option>
            <option value="partial_mesh">Partial mesh (the pairs below)</option>
          </Select>
          <NumberField
            id="overlay-probe"
            label="Probe interval (ms)"
            min={20}
            max={10000}
            defaultValue={settings.probeIntervalMs}
            hint="20–10,000; slower in large meshes"
            error={fields.probeIntervalMs}
          />
          <NumberField
            id="overlay-hold-down"
            label="Hold-down (s)"
            min={0}
            max={3600}
            defaultValue={settings.holdDownSeconds}
            hint="How long a better path must meet its SLA before failback"
            error={fields.holdDownSeconds}
          />
        </div>
        <p className="text-xs text-slate-600">
          Cloud gateways connect to every site whatever the topology.
        </p>
        {partial && (
          <fieldset className="space-y-2" data-testid="site-pairs">
            <legend className="text-sm font-medium text-slate-800">Site pairs</legend>
            {pairs.length === 0 && (
              <p className="text-xs text-slate-600">No pairs: only cloud gateways get tunnels.</p>
            )}
            {pairs.map((p, i) => {
              const error = fields[`sitePairs.${i}`];
              const errorId = `overlay-pair-${i}-error`;
              return (
                <div key={p.key}>
                  <div className="grid grid-cols-[1fr_auto_1fr_auto] items-center gap-2">
                    <InlineSelect
                      id={`overlay-pair-${i}-a`}
                      label={`Pair ${i + 1}: first site`}
                      value={p.a}
                      errorId={error ? errorId : undefined}
                      onChange={(e) => setPair(i, { a: e.target.value })}
                    >
                      {siteOptions}
                    </InlineSelect>
                    <span aria-hidden="true">↔</span>
                    <InlineSelect
                      id={`overlay-pair-${i}-b`}
                      label={`Pair ${i + 1}: second site`}
                      value={p.b}
                      errorId={error ? errorId : undefined}
                      onChange={(e) => setPair(i, { b: e.target.value })}
                    >
                      {siteOptions}
                    </InlineSelect>
                    {canWrite && (
                      <RowButton
                        aria-label={`Remove pair ${i + 1}`}
                        onClick={() => setPairs(removeAt(pairs, i))}
                      >
                        Remove
                      </RowButton>
                    )}
                  </div>
                  <RowError id={errorId} error={error} />
                </div>
              );
            })}
            {fields.sitePairs && <p className="text-xs text-red-700">{fields.sitePairs}</p>}
            {canWrite && (
              <RowButton onClick={() => setPairs([...pairs, { key: nextKey++, a: "", b: "" }])}>
                Add a pair
              </RowButton>
            )}
          </fieldset>
        )}
      </Fieldset>
      <SettingsFooter
        canWrite={canWrite}
        readOnlyNote="Your role can see these settings, not change them."
        message={message}
        save={update}
        saved={`Saved: revision ${update.data?.revision} is rolling out.`}
        submitLabel="Save overlay settings"
      />
    </form>
  );
}

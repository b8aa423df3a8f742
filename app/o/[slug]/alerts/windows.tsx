"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { CrudSection } from "@/app/_components/crud-section";
import { formErrorsFor } from "@/app/_components/form-errors-for";
import { FormFooter } from "@/app/_components/form-extras";
import { Time } from "@/app/_components/local-time";
import { Badge, Td } from "@/app/_components/status-ui";
import { Field } from "@/app/_components/ui";
import { useNow } from "@/app/_components/use-now";
import { useTRPC } from "@/app/_trpc/client";
import { PAGE_MAX } from "@/server/api/shared";
import { localToIso, toLocalInput } from "./local-instant";
import { type SectionProps, type SiteOption, SitesSelect } from "./scope-fields";

const FIELDS = ["name", "siteIds", "startsAt", "endsAt"] as const;

/** Adds a window: its sites, and start and end in the viewer's time zone. */
function WindowForm({ orgSlug, sites }: { orgSlug: string; sites: SiteOption[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [added, setAdded] = useState(0);
  const [local, setLocal] = useState<string | null>(null);
  const create = useMutation(
    trpc.alerts.createWindow.mutationOptions({
      onSuccess: () => {
        setAdded((n) => n + 1);
        void queryClient.invalidateQueries({ queryKey: trpc.alerts.windows.queryKey() });
      },
    }),
  );
  const { message, fields } = formErrorsFor(create.error, FIELDS);
  const start = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000);
  return (
    <form
      aria-label="Add a maintenance window"
      className="space-y-3"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        const startsAt = localToIso(String(form.get("window-start") ?? ""));
        const endsAt = localToIso(String(form.get("window-end") ?? ""));
        if (!startsAt || !endsAt) {
          setLocal("Give the start and the end as a date and a time.");
          return;
        }
        setLocal(null);
        create.mutate({
          orgSlug,
          name: String(form.get("window-name") ?? "").trim(),
          siteIds: form.getAll("window-sites").map(String),
          startsAt: startsAt as never,
          endsAt: endsAt as never,
        });
      }}
    >
      <div key={added} className="grid gap-3 sm:grid-cols-2">
        <Field id="window-name" label="Window name" required error={fields.name} />
        <SitesSelect prefix="window-" sites={sites} siteIds={[]} error={fields.siteIds} />
        <Field
          id="window-start"
          label="Starts (your local time)"
          type="datetime-local"
          required
          defaultValue={toLocalInput(start)}
          error={fields.startsAt}
        />
        <Field
          id="window-end"
          label="Ends (your local time)"
          type="datetime-local"
          required
          hint="At most 31 days after the start"
          defaultValue={toLocalInput(new Date(start.getTime() + 2 * 3_600_000))}
          error={fields.endsAt}
        />
      </div>
      <FormFooter
        message={local ?? message}
        success={create.isSuccess && `Window ${create.data.name} added.`}
        submitLabel="Add window"
        pending={create.isPending}
      />
    </form>
  );
}

/** Times when incidents notify nobody: a list of windows, add and delete. */
export function Windows({ orgSlug, sites, canWrite }: SectionProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const now = useNow(30_000);
  const windows = useQuery(
    trpc.alerts.windows.queryOptions({ orgSlug, limit: PAGE_MAX }, { refetchInterval: 30_000 }),
  );
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.alerts.windows.queryKey() });
  const siteNames = (ids: string[]) =>
    ids.length === 0
      ? "Every site"
      : ids.map((id) => sites.find((s) => s.id === id)?.name ?? "(deleted site)").join(", ");
  return (
    <CrudSection
      title="Maintenance windows"
      description="An incident that opens during a window on its site is marked as in maintenance and notifies nobody."
      what={(w) => `window ${w.name}`}
      query={{ data: windows.data?.items, error: windows.error }}
      order={(a, b) => b.startsAt.getTime() - a.startsAt.getTime()}
      empty="No maintenance windows."
      headers={[
        { label: "Window", width: "auto" },
        { label: "Sites", width: "22%" },
        { label: "Starts", width: "10rem" },
        { label: "Ends", width: "10rem" },
        { label: "State", width: "7rem" },
      ]}
      rowData={() => ({ "data-testid": "maintenance-window" })}
      cells={(w) => (
        <>
          <Td className="break-words font-medium">{w.name}</Td>
          <Td className="break-words text-xs">{siteNames(w.siteIds)}</Td>
          <Td>
            <Time value={w.startsAt} show="absolute" />
          </Td>
          <Td>
            <Time value={w.endsAt} show="absolute" />
          </Td>
          <Td>
            {w.endsAt.getTime() <= now ? (
              <Badge>past</Badge>
            ) : w.startsAt.getTime() <= now ? (
              <Badge tone="amber">now</Badge>
            ) : (
              <Badge tone="blue">planned</Badge>
            )}
          </Td>
        </>
      )}
      canWrite={canWrite}
      remove={trpc.alerts.deleteWindow.mutationOptions({ onSettled: refresh })}
      removeInput={(w) => ({ orgSlug, windowId: w.id })}
      deleteText={() => "Incidents on its sites notify people again."}
      addTitle="Add a window"
      editable={false}
      form={() => <WindowForm orgSlug={orgSlug} sites={sites} />}
    />
  );
}

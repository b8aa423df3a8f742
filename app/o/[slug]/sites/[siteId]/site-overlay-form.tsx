"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { onSubmitRead } from "@/app/_components/form-data";
import { formErrorsFor } from "@/app/_components/form-errors-for";
import { Fieldset, SettingsFooter } from "@/app/_components/form-extras";
import { Alert, Card, Select, TextArea } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { useOverlayRefresh } from "../../_overlay/use-refresh";
import type { SiteSectionProps } from "./site-section";

const FIELDS = ["prefixes"] as const;
type Role = "edge" | "hub" | "cloud_gateway";

/** The site's place in the overlay: its role in the topology and the prefixes it offers. */
export function SiteOverlayForm({ orgSlug, siteId, canWrite }: SiteSectionProps) {
  const trpc = useTRPC();
  const refresh = useOverlayRefresh();
  const view = useQuery(trpc.overlay.sitePaths.queryOptions({ orgSlug, siteId }));
  const update = useMutation(trpc.overlay.site.update.mutationOptions({ onSuccess: refresh }));
  const { message, fields } = formErrorsFor(update.error, FIELDS, "site.");
  const site = view.data?.site;
  return (
    <Card>
      <h2 className="mb-1 font-semibold">Overlay role and prefixes</h2>
      <p className="mb-3 text-sm text-slate-700">
        Hubs and cloud gateways carry traffic between sites; the prefixes are what the site's LAN
        offers the other sites through the tunnels.
      </p>
      {view.error && <Alert>{view.error.message}</Alert>}
      {view.isPending && <p className="text-sm text-slate-600">Loading…</p>}
      {site && (
        <form
          aria-label="Overlay role and prefixes"
          noValidate
          onSubmit={onSubmitRead("overlay-", (r) => {
            update.mutate({
              orgSlug,
              siteId,
              role: r.text("role") as Role,
              prefixes: r.lines("prefixes"),
            });
          })}
        >
          <Fieldset
            legend="Overlay role and prefixes"
            disabled={!canWrite}
            className="grid gap-3 sm:grid-cols-2"
          >
            <Select id="overlay-role" label="Role" defaultValue={site.role}>
              <option value="edge">Edge (a branch)</option>
              <option value="hub">Hub</option>
              <option value="cloud_gateway">Cloud gateway (every site connects)</option>
            </Select>
            <TextArea
              id="overlay-prefixes"
              label="LAN prefixes"
              rows={3}
              defaultValue={site.prefixes.join("\n")}
              placeholder={"10.1.0.0/16\n192.168.10.0/24"}
              hint="One IPv4 prefix per line"
              error={fields.prefixes}
            />
          </Fieldset>
          <SettingsFooter
            canWrite={canWrite}
            readOnlyNote="Your role can see these, not change them."
            message={message}
            save={update}
            saved="Saved. The overlay changes in the next rollout."
            submitLabel="Save overlay settings"
          />
        </form>
      )}
    </Card>
  );
}

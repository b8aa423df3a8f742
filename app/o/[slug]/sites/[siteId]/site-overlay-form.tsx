"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { formErrorsFor } from "@/app/_components/form-errors-for";
import { TextArea } from "@/app/_components/form-extras";
import { Alert, Button, Card, Select } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { formReader } from "../../_overlay/form-data";
import { useOverlayRefresh } from "../../_overlay/use-refresh";

const FIELDS = ["prefixes"] as const;
type Role = "edge" | "hub" | "cloud_gateway";

/** The site's place in the overlay: its role in the topology and the prefixes it offers. */
export function SiteOverlayForm({
  orgSlug,
  siteId,
  canWrite,
}: {
  orgSlug: string;
  siteId: string;
  canWrite: boolean;
}) {
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
          onSubmit={(e) => {
            e.preventDefault();
            const r = formReader(new FormData(e.currentTarget), "overlay-");
            update.mutate({
              orgSlug,
              site: { siteId, role: r.text("role") as Role, prefixes: r.lines("prefixes") },
            });
          }}
        >
          <fieldset
            disabled={!canWrite}
            className="grid gap-3 sm:grid-cols-2 [&_:disabled]:cursor-not-allowed [&_:disabled]:bg-slate-100"
          >
            <legend className="sr-only">Overlay role and prefixes</legend>
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
          </fieldset>
          <div className="mt-3 space-y-3">
            {!canWrite && (
              <p className="text-sm text-slate-700">Your role can see these, not change them.</p>
            )}
            {message && <Alert>{message}</Alert>}
            {update.isSuccess && (
              <Alert kind="success">Saved. The overlay changes in the next rollout.</Alert>
            )}
            {canWrite && (
              <Button type="submit" disabled={update.isPending}>
                Save overlay settings
              </Button>
            )}
          </div>
        </form>
      )}
    </Card>
  );
}

"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { formErrorsFor } from "@/app/_components/form-errors-for";
import { Fieldset, SettingsFooter } from "@/app/_components/form-extras";
import { Card, Field, Select } from "@/app/_components/ui";
import { useIntentRefresh } from "@/app/_components/use-intent-refresh";
import { useTRPC } from "@/app/_trpc/client";
import type { SiteSettings } from "@/server/domains/sites";

const FIELDS = ["name", "description", "wan", "lan", "wanAddress", "snat.from", "snat.to"] as const;

interface Props {
  orgSlug: string;
  siteId: string;
  name: string;
  description: string;
  settings: SiteSettings;
  canWrite: boolean;
}

/** The site's interfaces, default verdict and SNAT: intent, rolled out to its devices. */
export function SiteSettingsForm({
  orgSlug,
  siteId,
  name,
  description,
  settings,
  canWrite,
}: Props) {
  const trpc = useTRPC();
  const router = useRouter();
  const refresh = useIntentRefresh((t) => [t.site.pathKey()]);
  const update = useMutation(
    trpc.site.update.mutationOptions({
      onSuccess: () => {
        refresh();
        router.refresh();
      },
    }),
  );
  const { message, fields } = formErrorsFor(update.error, FIELDS, "settings.");
  return (
    <Card>
      <h2 className="mb-3 font-semibold">Site settings</h2>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget);
          const text = (k: string) => String(form.get(k) ?? "").trim();
          const snatFrom = text("settings-snat-from");
          const snatTo = text("settings-snat-to");
          update.mutate({
            orgSlug,
            siteId,
            name: text("settings-name"),
            description: text("settings-description"),
            settings: {
              wan: text("settings-wan"),
              lan: text("settings-lan"),
              wanAddress: text("settings-wan-address") || undefined,
              wanIngress: text("settings-wan-ingress") as SiteSettings["wanIngress"],
              defaultAction: text("settings-default-action") as SiteSettings["defaultAction"],
              // Both empty: no SNAT. One empty: the server says which is missing.
              snat: snatFrom || snatTo ? { from: snatFrom, to: snatTo } : undefined,
            },
          });
        }}
      >
        <Fieldset legend={`Settings of ${name}`} disabled={!canWrite} className="space-y-3">
          {!canWrite && (
            <p className="text-sm text-slate-700">
              Your role can see these settings, not change them.
            </p>
          )}
          <div className="grid gap-3 sm:grid-cols-2">
            <Field
              id="settings-name"
              label="Name"
              defaultValue={name}
              required
              error={fields.name}
            />
            <Field
              id="settings-description"
              label="Description"
              defaultValue={description}
              error={fields.description}
            />
          </div>
          <div className="grid gap-3 sm:grid-cols-3">
            <Field
              id="settings-wan"
              label="WAN interface"
              defaultValue={settings.wan}
              error={fields.wan}
            />
            <Field
              id="settings-lan"
              label="LAN interface"
              defaultValue={settings.lan}
              error={fields.lan}
            />
            <Field
              id="settings-wan-address"
              label="WAN address"
              defaultValue={settings.wanAddress ?? ""}
              placeholder="203.0.113.10"
              hint="Where port forwards listen"
              error={fields.wanAddress}
            />
          </div>
          <div className="grid gap-3 sm:grid-cols-2">
            <Select
              id="settings-wan-ingress"
              label="WAN ingress hook"
              defaultValue={settings.wanIngress}
            >
              <option value="generic">XDP generic (any NIC)</option>
              <option value="native">XDP native (driver support needed)</option>
              <option value="tc">TC ingress</option>
            </Select>
            <Select
              id="settings-default-action"
              label="Traffic no rule matches"
              defaultValue={settings.defaultAction}
            >
              <option value="allow">Allow</option>
              <option value="deny">Deny</option>
            </Select>
          </div>
          <div className="grid gap-3 sm:grid-cols-2">
            <Field
              id="settings-snat-from"
              label="SNAT from (LAN prefix)"
              defaultValue={settings.snat?.from ?? ""}
              placeholder="192.168.1.0/24"
              hint="Leave both SNAT fields empty for no SNAT"
              error={fields["snat.from"]}
            />
            <Field
              id="settings-snat-to"
              label="SNAT to (address)"
              defaultValue={settings.snat?.to ?? ""}
              placeholder="203.0.113.10"
              error={fields["snat.to"]}
            />
          </div>
        </Fieldset>
        <SettingsFooter
          canWrite={canWrite}
          message={message}
          save={update}
          saved="Saved. The site's devices get it in the next rollout."
          submitLabel="Save settings"
        />
      </form>
    </Card>
  );
}

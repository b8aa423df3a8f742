"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { formErrorsFor } from "@/app/_components/form-errors-for";
import { Alert, Button, Card, Field } from "@/app/_components/ui";
import { useIntentRefresh } from "@/app/_components/use-intent-refresh";
import { checkInput } from "@/app/_lib/check-input";
import { useTRPC } from "@/app/_trpc/client";
import { ZNewSiteBasics } from "@/server/api/shared";

const FIELDS = [
  "name",
  "description",
  "settings.wan",
  "settings.lan",
  "settings.wanAddress",
] as const;

/** Creates a site and opens it, where its box is enrolled. */
export function NewSiteForm({ orgSlug }: { orgSlug: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const refresh = useIntentRefresh((t) => [t.site.list.queryKey()]);
  const create = useMutation(
    trpc.site.create.mutationOptions({
      onSuccess: (site) => {
        refresh();
        router.push(`/o/${orgSlug}/sites/${site.id}`);
      },
    }),
  );
  const [invalid, setInvalid] = useState<unknown>(null);
  const { message, fields } = formErrorsFor(invalid ?? create.error, FIELDS);
  return (
    <Card>
      <h2 className="mb-3 font-semibold">New site</h2>
      <form
        className="space-y-3"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget);
          const text = (k: string) => String(form.get(k) ?? "").trim();
          // Empty optional fields are left out: the server's defaults apply (eth0 / eth1).
          const optional = (k: string) => text(k) || undefined;
          const basics = { name: text("site-name"), description: text("site-description") };
          const bad = checkInput(ZNewSiteBasics, basics);
          setInvalid(bad);
          if (bad) return;
          create.mutate({
            orgSlug,
            ...basics,
            settings: {
              wan: optional("site-wan"),
              lan: optional("site-lan"),
              wanAddress: optional("site-wan-address"),
            },
          });
        }}
      >
        <div className="grid gap-3 sm:grid-cols-2">
          <Field id="site-name" label="Site name" required error={fields.name} />
          <Field id="site-description" label="Description" error={fields.description} />
        </div>
        <div className="grid gap-3 sm:grid-cols-3">
          <Field
            id="site-wan"
            label="WAN interface"
            placeholder="eth0"
            hint="Optional; eth0 if empty"
            error={fields["settings.wan"]}
          />
          <Field
            id="site-lan"
            label="LAN interface"
            placeholder="eth1"
            hint="Optional; eth1 if empty"
            error={fields["settings.lan"]}
          />
          <Field
            id="site-wan-address"
            label="WAN address"
            placeholder="203.0.113.10"
            hint="Optional; needed for port forwards"
            error={fields["settings.wanAddress"]}
          />
        </div>
        {message && <Alert>{message}</Alert>}
        <Button type="submit" disabled={create.isPending}>
          Create site
        </Button>
      </form>
    </Card>
  );
}

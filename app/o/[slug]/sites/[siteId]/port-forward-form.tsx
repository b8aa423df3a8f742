"use client";

import { useMutation } from "@tanstack/react-query";
import { onSubmitRead } from "@/app/_components/form-data";
import { formErrorsFor } from "@/app/_components/form-errors-for";
import { Alert, Button, Field, PortField, Select } from "@/app/_components/ui";
import { useIntentRefresh } from "@/app/_components/use-intent-refresh";
import { useTRPC } from "@/app/_trpc/client";
import type { SiteIds } from "./site-section";

const FIELDS = ["port", "toAddr", "toPort", "description"] as const;

interface Props extends SiteIds {
  wanAddress?: string;
}

/** Adds a forward from a port of the site's WAN address to a LAN address. */
export function PortForwardForm({ orgSlug, siteId, wanAddress }: Props) {
  const trpc = useTRPC();
  const refresh = useIntentRefresh((t) => [t.site.portForwards.queryKey()]);
  const create = useMutation(trpc.site.createPortForward.mutationOptions({ onSuccess: refresh }));
  const { message, fields } = formErrorsFor(create.error, FIELDS);
  return (
    <form
      aria-label="Add a port forward"
      className="space-y-3"
      noValidate
      onSubmit={onSubmitRead("pf-", (r, form) =>
        create.mutate(
          {
            orgSlug,
            siteId,
            proto: r.text("proto") as "tcp" | "udp",
            port: Number(r.text("port")),
            toAddr: r.text("to-addr"),
            toPort: Number(r.text("to-port")),
            description: r.text("description"),
          },
          { onSuccess: () => form.reset() },
        ),
      )}
    >
      {!wanAddress && <Alert kind="info">Set the site's WAN address in the settings first.</Alert>}
      <div className="grid gap-3 sm:grid-cols-[6rem_1fr_2fr_1fr]">
        <Select id="pf-proto" label="Protocol" defaultValue="tcp">
          <option value="tcp">TCP</option>
          <option value="udp">UDP</option>
        </Select>
        <PortField id="pf-port" label="WAN port" required error={fields.port} />
        <Field
          id="pf-to-addr"
          label="To address"
          placeholder="192.168.1.20"
          required
          error={fields.toAddr}
        />
        <PortField id="pf-to-port" label="To port" required error={fields.toPort} />
      </div>
      <Field id="pf-description" label="Description" error={fields.description} />
      {message && <Alert>{message}</Alert>}
      <Button type="submit" disabled={create.isPending}>
        Add port forward
      </Button>
    </form>
  );
}

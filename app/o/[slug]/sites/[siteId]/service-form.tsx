"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { onSubmitRead } from "@/app/_components/form-data";
import { formErrorsFor } from "@/app/_components/form-errors-for";
import { Alert, Button, Field, PortField, Select, TextArea } from "@/app/_components/ui";
import { useIntentRefresh } from "@/app/_components/use-intent-refresh";
import { useTRPC } from "@/app/_trpc/client";
import { backendsError, parseBackends } from "./backends";
import type { SiteIds } from "./site-section";

const FIELDS = ["name", "vip", "port", "backends"] as const;

/** Adds a service: a virtual address and port, balanced over the backends. */
export function ServiceForm({ orgSlug, siteId }: SiteIds) {
  const trpc = useTRPC();
  // A malformed line is caught here, before the server sees it.
  const [localError, setLocalError] = useState<string>();
  const refresh = useIntentRefresh((t) => [t.site.services.queryKey()]);
  const create = useMutation(trpc.site.createService.mutationOptions({ onSuccess: refresh }));
  const { message, fields } = formErrorsFor(create.error, FIELDS);
  return (
    <form
      aria-label="Add a service"
      className="space-y-3"
      noValidate
      onSubmit={onSubmitRead("svc-", (r, form) => {
        const { backends, error } = parseBackends(r.text("backends"));
        setLocalError(error);
        if (error) return create.reset();
        create.mutate(
          {
            orgSlug,
            siteId,
            name: r.text("name"),
            vip: r.text("vip"),
            port: Number(r.text("port")),
            proto: r.text("proto") as "tcp" | "udp",
            backends,
          },
          { onSuccess: () => form.reset() },
        );
      })}
    >
      <div className="grid gap-3 sm:grid-cols-[2fr_2fr_1fr_6rem]">
        <Field id="svc-name" label="Service name" required error={fields.name} />
        <Field
          id="svc-vip"
          label="Virtual address"
          placeholder="10.0.0.100"
          required
          error={fields.vip}
        />
        <PortField id="svc-port" label="Port" required error={fields.port} />
        <Select id="svc-proto" label="Protocol" defaultValue="tcp">
          <option value="tcp">TCP</option>
          <option value="udp">UDP</option>
        </Select>
      </div>
      <TextArea
        id="svc-backends"
        label="Backends"
        rows={3}
        placeholder={"192.168.1.21:8080\n192.168.1.22:8080"}
        hint="One address:port per line"
        required
        error={localError ?? backendsError(create.error) ?? fields.backends}
      />
      {message && <Alert>{message}</Alert>}
      <Button type="submit" disabled={create.isPending}>
        Add service
      </Button>
    </form>
  );
}

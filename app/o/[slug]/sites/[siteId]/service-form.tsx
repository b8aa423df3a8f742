"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { formErrorsFor } from "@/app/_components/form-errors-for";
import { TextArea } from "@/app/_components/form-extras";
import { Alert, Button, Field, Select } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { backendsError, parseBackends } from "./backends";

const FIELDS = ["name", "vip", "port", "backends"] as const;

export function ServiceForm({ orgSlug, siteId }: { orgSlug: string; siteId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // A malformed line is caught here, before the server sees it.
  const [localError, setLocalError] = useState<string>();
  const create = useMutation(
    trpc.site.createService.mutationOptions({
      onSuccess: () => {
        queryClient.invalidateQueries({ queryKey: trpc.site.services.queryKey() });
        queryClient.invalidateQueries({ queryKey: trpc.rollout.pathKey() });
      },
    }),
  );
  const { message, fields } = formErrorsFor(create.error, FIELDS);
  return (
    <form
      className="mt-4 space-y-3 border-t border-slate-100 pt-4"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const formEl = e.currentTarget;
        const form = new FormData(formEl);
        const text = (k: string) => String(form.get(k) ?? "").trim();
        const { backends, error } = parseBackends(text("svc-backends"));
        setLocalError(error);
        if (error) return create.reset();
        create.mutate(
          {
            orgSlug,
            siteId,
            name: text("svc-name"),
            vip: text("svc-vip"),
            port: Number(text("svc-port")),
            proto: text("svc-proto") as "tcp" | "udp",
            backends,
          },
          { onSuccess: () => formEl.reset() },
        );
      }}
    >
      <h3 className="text-sm font-semibold">Add a service</h3>
      <div className="grid gap-3 sm:grid-cols-[2fr_2fr_1fr_6rem]">
        <Field id="svc-name" label="Service name" required error={fields.name} />
        <Field
          id="svc-vip"
          label="Virtual address"
          placeholder="10.0.0.100"
          required
          error={fields.vip}
        />
        <Field
          id="svc-port"
          label="Port"
          type="number"
          inputMode="numeric"
          min={1}
          max={65535}
          required
          error={fields.port}
        />
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

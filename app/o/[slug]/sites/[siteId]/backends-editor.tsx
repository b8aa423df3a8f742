"use client";

import { useMutation } from "@tanstack/react-query";
import { useId, useState } from "react";
import { Button } from "@/app/_components/ui";
import { useIntentRefresh } from "@/app/_components/use-intent-refresh";
import { useTRPC } from "@/app/_trpc/client";
import { type Backend, backendsError, formatBackends, parseBackends } from "./backends";

/** A service's backends, editable in place (the rest of a service is fixed once made). */
export function BackendsEditor({
  orgSlug,
  service,
}: {
  orgSlug: string;
  service: { id: string; name: string; backends: Backend[] };
}) {
  const trpc = useTRPC();
  const refresh = useIntentRefresh((t) => [t.site.services.queryKey()]);
  const id = useId();
  const [editing, setEditing] = useState(false);
  const [localError, setLocalError] = useState<string>();
  const update = useMutation(
    trpc.site.updateServiceBackends.mutationOptions({
      onSuccess: () => {
        setEditing(false);
        refresh();
      },
    }),
  );
  if (!editing)
    return (
      <div className="flex items-start justify-between gap-2">
        <div>
          {service.backends.map((b) => (
            <div key={`${b.addr}:${b.port}`}>{`${b.addr}:${b.port}`}</div>
          ))}
        </div>
        <Button
          variant="secondary"
          className="font-sans"
          aria-label={`Edit backends of ${service.name}`}
          onClick={() => setEditing(true)}
        >
          Edit
        </Button>
      </div>
    );
  const error = localError ?? backendsError(update.error) ?? update.error?.message;
  return (
    <form
      className="min-w-56 space-y-2 font-sans"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const text = String(new FormData(e.currentTarget).get("backends") ?? "");
        const { backends, error } = parseBackends(text);
        setLocalError(error);
        if (!error) update.mutate({ orgSlug, serviceId: service.id, backends });
      }}
    >
      <label htmlFor={id} className="block text-xs font-medium text-slate-800">
        Backends of {service.name}
      </label>
      <textarea
        id={id}
        name="backends"
        rows={Math.max(2, service.backends.length)}
        defaultValue={formatBackends(service.backends)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        className="block w-full rounded-md border border-slate-300 px-2 py-1 font-mono text-xs"
      />
      {error && (
        <p id={`${id}-error`} className="text-xs text-red-700">
          {error}
        </p>
      )}
      <div className="flex gap-2">
        <Button type="submit" disabled={update.isPending}>
          Save
        </Button>
        <Button
          variant="secondary"
          onClick={() => {
            setEditing(false);
            setLocalError(undefined);
            update.reset();
          }}
        >
          Cancel
        </Button>
      </div>
    </form>
  );
}

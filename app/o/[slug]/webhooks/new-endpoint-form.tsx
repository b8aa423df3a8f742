"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { formErrorsFor } from "@/app/_components/form-errors-for";
import { Alert, Button, Card, Field } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { SecretOnce } from "./secret-once";

const FIELDS = ["url", "description", "events"] as const;

/** Adds an endpoint and shows its secret once. */
export function NewEndpointForm({ orgSlug }: { orgSlug: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const catalog = useQuery(trpc.webhook.catalog.queryOptions({ orgSlug }));
  const [secret, setSecret] = useState<string | null>(null);
  const create = useMutation(
    trpc.webhook.create.mutationOptions({
      onSuccess: (created) => {
        setSecret(created.secret);
        void queryClient.invalidateQueries({ queryKey: trpc.webhook.list.queryKey() });
      },
    }),
  );
  const { message, fields } = formErrorsFor(create.error, FIELDS);
  return (
    <Card>
      <h2 className="mb-3 font-semibold">New endpoint</h2>
      {secret ? (
        <SecretOnce secret={secret} onDone={() => setSecret(null)} />
      ) : (
        <form
          className="space-y-3"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            const form = new FormData(e.currentTarget);
            create.mutate({
              orgSlug,
              url: String(form.get("webhook-url") ?? "").trim(),
              description: String(form.get("webhook-description") ?? "").trim(),
              events: form.getAll("webhook-events").map(String) as never,
            });
          }}
        >
          <div className="grid gap-3 sm:grid-cols-2">
            <Field
              id="webhook-url"
              label="URL"
              placeholder="https://example.com/patronus"
              required
              error={fields.url}
            />
            <Field id="webhook-description" label="Description" error={fields.description} />
          </div>
          <fieldset aria-describedby={fields.events ? "webhook-events-error" : undefined}>
            <legend className="text-sm font-medium text-slate-800">Events</legend>
            <div className="mt-1 grid gap-1 sm:grid-cols-2">
              {catalog.data?.map((entry) => (
                <label key={entry.type} className="flex items-start gap-2 text-sm">
                  <input
                    type="checkbox"
                    name="webhook-events"
                    value={entry.type}
                    className="mt-1"
                  />
                  <span>
                    <code>{entry.type}</code>
                    <span className="block text-xs text-slate-600">{entry.description}</span>
                  </span>
                </label>
              ))}
            </div>
            {fields.events && (
              <p id="webhook-events-error" className="mt-1 text-sm text-red-700">
                {fields.events}
              </p>
            )}
          </fieldset>
          {message && <Alert>{message}</Alert>}
          <Button type="submit" disabled={create.isPending}>
            Add endpoint
          </Button>
        </form>
      )}
    </Card>
  );
}

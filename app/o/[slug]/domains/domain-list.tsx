"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { formErrorsFor } from "@/app/_components/form-errors-for";
import { Alert, Button, Card, Field } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { DomainRow } from "./domain-row";

/** The org's domains: add one, then create its TXT record and verify. */
export function DomainList({ orgSlug }: { orgSlug: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.domain.list.queryOptions({ orgSlug }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.domain.list.queryKey() });
  const add = useMutation(trpc.domain.add.mutationOptions({ onSuccess: refresh }));
  const { message, fields } = formErrorsFor(add.error, ["hostname"] as const);
  return (
    <Card>
      <h2 className="mb-3 font-semibold">Custom domains</h2>
      <form
        className="mb-4 flex flex-col gap-2 sm:flex-row sm:items-end"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const form = e.currentTarget;
          const hostname = String(new FormData(form).get("domain-hostname") ?? "").trim();
          add.mutate({ orgSlug, hostname }, { onSuccess: () => form.reset() });
        }}
      >
        <div className="flex-1">
          <Field
            id="domain-hostname"
            label="Hostname"
            placeholder="portal.example.com"
            required
            error={fields.hostname}
          />
        </div>
        <Button type="submit" disabled={add.isPending}>
          Add domain
        </Button>
      </form>
      {message && <Alert>{message}</Alert>}
      {list.data?.length === 0 && (
        <p className="text-sm text-slate-700">
          No domain yet: the portal is served on its own address only.
        </p>
      )}
      <ul className="divide-y divide-slate-200">
        {list.data?.map((domain) => (
          <DomainRow key={domain.id} orgSlug={orgSlug} domain={domain} onChange={refresh} />
        ))}
      </ul>
    </Card>
  );
}

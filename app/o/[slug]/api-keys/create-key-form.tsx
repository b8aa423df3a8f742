"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { onSubmitRead } from "@/app/_components/form-data";
import { formErrorsFor } from "@/app/_components/form-errors-for";
import { Alert, Button, Card, Field, Options, Select, TextArea } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { ScopePicker } from "./scope-picker";
import { TokenDialog } from "./token-dialog";

const FIELDS = ["name", "scopes", "expiresInDays", "allowedCidrs"] as const;
const EXPIRY = [
  { value: "", label: "Never" },
  { value: "30", label: "In 30 days" },
  { value: "90", label: "In 90 days" },
  { value: "365", label: "In a year" },
];

export function CreateKeyForm({ orgSlug }: { orgSlug: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const scopes = useQuery(trpc.apiKey.scopes.queryOptions({ orgSlug }));
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const create = useMutation(
    trpc.apiKey.create.mutationOptions({
      onSuccess: ({ key, token }) => {
        setCreated({ name: key.name, token });
        queryClient.invalidateQueries({ queryKey: trpc.apiKey.list.queryKey() });
      },
    }),
  );
  const { message, fields } = formErrorsFor(create.error, FIELDS);
  return (
    <Card>
      <h2 className="mb-1 font-semibold">Create an API key</h2>
      <p className="mb-3 text-sm text-slate-700">
        A key acts in this organization with the scopes you give it, never more than your own.
      </p>
      <form
        className="space-y-4"
        noValidate
        onSubmit={onSubmitRead("key-", (r, form) => {
          create.mutate(
            {
              orgSlug,
              name: r.text("name"),
              scopes: [...selected],
              expiresInDays: r.optNum("expiry"),
              allowedCidrs: r.lines("cidrs"),
            },
            {
              onSuccess: () => {
                form.reset();
                setSelected(new Set());
              },
            },
          );
        })}
      >
        <div className="grid gap-3 sm:grid-cols-[1fr_12rem]">
          <Field id="key-name" label="Name" maxLength={60} required error={fields.name} />
          <Select id="key-expiry" label="Expires" defaultValue="90" error={fields.expiresInDays}>
            <Options items={EXPIRY} />
          </Select>
        </div>
        {scopes.error && <Alert>{scopes.error.message}</Alert>}
        {scopes.data && (
          <ScopePicker
            scopes={scopes.data}
            selected={selected}
            onChange={setSelected}
            error={fields.scopes}
          />
        )}
        <TextArea
          id="key-cidrs"
          label="Allowed addresses"
          rows={3}
          placeholder={"203.0.113.0/24\n2001:db8::/48"}
          hint="Optional: IPv4 or IPv6 addresses or CIDRs, one a line. Empty: from anywhere."
          error={fields.allowedCidrs}
        />
        {message && <Alert>{message}</Alert>}
        <Button type="submit" disabled={create.isPending}>
          Create key
        </Button>
      </form>
      {created && (
        <TokenDialog name={created.name} token={created.token} onClose={() => setCreated(null)} />
      )}
    </Card>
  );
}

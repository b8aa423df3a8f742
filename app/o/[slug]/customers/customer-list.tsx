"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert, Button, Card, Field } from "@/app/_components/ui";
import { formErrors } from "@/app/_lib/errors";
import { slugify } from "@/app/_lib/slugify";
import { useTRPC } from "@/app/_trpc/client";

export function CustomerList({ orgSlug, canCreate }: { orgSlug: string; canCreate: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [slug, setSlug] = useState("");
  const [slugEdited, setSlugEdited] = useState(false);
  const customers = useQuery(trpc.org.customers.queryOptions({ orgSlug }));
  const create = useMutation(
    trpc.org.createCustomer.mutationOptions({
      onSuccess: () => {
        setSlug("");
        setSlugEdited(false);
        queryClient.invalidateQueries({ queryKey: trpc.org.customers.queryKey() });
        router.refresh();
      },
    }),
  );
  const { message, fields } = formErrors(create.error);
  return (
    <div className="space-y-6">
      {canCreate && (
        <Card>
          <h2 className="mb-3 font-semibold">Add a customer</h2>
          <form
            className="grid gap-3 sm:grid-cols-[1fr_1fr_auto] sm:items-end"
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              const form = e.currentTarget;
              const name = String(new FormData(form).get("customer-name"));
              create.mutate({ orgSlug, name, slug }, { onSuccess: () => form.reset() });
            }}
          >
            <Field
              id="customer-name"
              label="Customer name"
              required
              error={fields.name}
              onChange={(e) => !slugEdited && setSlug(slugify(e.target.value))}
            />
            <Field
              id="customer-slug"
              label="URL name"
              required
              value={slug}
              error={fields.slug}
              onChange={(e) => {
                setSlugEdited(true);
                setSlug(e.target.value);
              }}
            />
            <Button type="submit" disabled={create.isPending}>
              Add customer
            </Button>
          </form>
          {message && (
            <div className="mt-3">
              <Alert>{message}</Alert>
            </div>
          )}
        </Card>
      )}
      <Card>
        <h2 className="mb-3 font-semibold">Customer organizations</h2>
        {customers.data?.length === 0 && (
          <p className="text-sm text-slate-600">No customers yet.</p>
        )}
        <ul className="divide-y divide-slate-100">
          {customers.data?.map((c) => (
            <li key={c.id} className="flex items-center justify-between py-2 text-sm">
              <span>{c.name}</span>
              <Link href={`/o/${c.slug}`} className="text-brand-700 underline">
                Open {c.name}
              </Link>
            </li>
          ))}
        </ul>
      </Card>
    </div>
  );
}

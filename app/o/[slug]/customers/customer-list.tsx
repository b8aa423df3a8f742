"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { onSubmitRead } from "@/app/_components/form-data";
import { InlineFormCard } from "@/app/_components/form-extras";
import { Link } from "@/app/_components/link";
import { NameSlugFields } from "@/app/_components/name-slug-fields";
import { Card } from "@/app/_components/ui";
import { formErrors } from "@/app/_lib/errors";
import { useTRPC } from "@/app/_trpc/client";
import { PAGE_MAX } from "@/server/api/shared";

export function CustomerList({ orgSlug, canCreate }: { orgSlug: string; canCreate: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  // Bumped after each customer added, to reset the form's fields.
  const [added, setAdded] = useState(0);
  const customers = useQuery(trpc.org.customers.queryOptions({ orgSlug, limit: PAGE_MAX }));
  const create = useMutation(
    trpc.org.createCustomer.mutationOptions({
      onSuccess: () => {
        setAdded((n) => n + 1);
        queryClient.invalidateQueries({ queryKey: trpc.org.customers.queryKey() });
        router.refresh();
      },
    }),
  );
  const { message, fields } = formErrors(create.error);
  return (
    <div className="space-y-6">
      {canCreate && (
        <InlineFormCard
          title="Add a customer"
          columns="sm:grid-cols-[1fr_1fr_auto]"
          onSubmit={onSubmitRead("customer-", (r) =>
            create.mutate({ orgSlug, name: r.text("name"), slug: r.text("slug") }),
          )}
          submitLabel="Add customer"
          pending={create.isPending}
          message={message}
        >
          <NameSlugFields
            key={added}
            prefix="customer-"
            nameLabel="Customer name"
            errors={fields}
          />
        </InlineFormCard>
      )}
      <Card>
        <h2 className="mb-3 font-semibold">Customer organizations</h2>
        {customers.data?.items.length === 0 && (
          <p className="text-sm text-slate-600">No customers yet.</p>
        )}
        <ul className="divide-y divide-slate-100">
          {customers.data?.items.map((c) => (
            <li key={c.id} className="flex items-center justify-between py-2 text-sm">
              <span>{c.name}</span>
              <span className="flex gap-4">
                <Link href={`/o/${c.slug}/branding`} className="text-brand-700 underline">
                  Branding<span className="sr-only"> of {c.name}</span>
                </Link>
                <Link href={`/o/${c.slug}`} className="text-brand-700 underline">
                  Open {c.name}
                </Link>
              </span>
            </li>
          ))}
        </ul>
      </Card>
    </div>
  );
}

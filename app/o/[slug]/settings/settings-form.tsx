"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { Alert, Button, Field } from "@/app/_components/ui";
import { formErrors } from "@/app/_lib/errors";
import { useTRPC } from "@/app/_trpc/client";

export function SettingsForm({ orgSlug, name }: { orgSlug: string; name: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const update = useMutation(
    trpc.org.update.mutationOptions({
      onSuccess: (org) => {
        router.replace(`/o/${org.slug}/settings`);
        router.refresh();
      },
    }),
  );
  const { message, fields } = formErrors(update.error);
  return (
    <form
      className="max-w-md space-y-4"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        update.mutate({ orgSlug, name: String(form.get("name")), slug: String(form.get("slug")) });
      }}
    >
      {message && <Alert>{message}</Alert>}
      {update.isSuccess && <Alert kind="success">Saved.</Alert>}
      <Field id="name" label="Organization name" defaultValue={name} required error={fields.name} />
      <Field
        id="slug"
        label="URL name"
        defaultValue={orgSlug}
        required
        hint="Changing it changes every link to this organization"
        error={fields.slug}
      />
      <Button type="submit" disabled={update.isPending}>
        Save
      </Button>
    </form>
  );
}

"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert, Button, Field, Select } from "@/app/_components/ui";
import { formErrors } from "@/app/_lib/errors";
import { slugify } from "@/app/_lib/slugify";
import { useTRPC } from "@/app/_trpc/client";

export function CreateOrgForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const [slug, setSlug] = useState("");
  const [slugEdited, setSlugEdited] = useState(false);
  const create = useMutation(
    trpc.org.create.mutationOptions({ onSuccess: (org) => router.push(`/o/${org.slug}`) }),
  );
  const { message, fields } = formErrors(create.error);

  return (
    <form
      className="space-y-4"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        create.mutate({
          name: String(form.get("name")),
          slug,
          kind: form.get("kind") === "msp" ? "msp" : "standard",
        });
      }}
    >
      {message && <Alert>{message}</Alert>}
      <Field
        id="name"
        label="Organization name"
        required
        error={fields.name}
        onChange={(e) => !slugEdited && setSlug(slugify(e.target.value))}
      />
      <Field
        id="slug"
        label="URL name"
        required
        value={slug}
        hint="Lowercase letters, digits and dashes"
        error={fields.slug}
        onChange={(e) => {
          setSlugEdited(true);
          setSlug(e.target.value);
        }}
      />
      <Select id="kind" label="Type" defaultValue="standard">
        <option value="standard">Company: my own sites</option>
        <option value="msp">Managed service provider: I run networks for customers</option>
      </Select>
      <Button type="submit" disabled={create.isPending}>
        {create.isPending ? "Creating…" : "Create organization"}
      </Button>
    </form>
  );
}

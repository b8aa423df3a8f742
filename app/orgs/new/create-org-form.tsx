"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { NameSlugFields } from "@/app/_components/name-slug-fields";
import { Alert, Button, Select } from "@/app/_components/ui";
import { checkInput } from "@/app/_lib/check-input";
import { formErrors } from "@/app/_lib/errors";
import { useTRPC } from "@/app/_trpc/client";
import { ZNewOrg } from "@/server/api/shared";

export function CreateOrgForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const create = useMutation(
    trpc.org.create.mutationOptions({ onSuccess: (org) => router.push(`/o/${org.slug}`) }),
  );
  const [invalid, setInvalid] = useState<unknown>(null);
  const { message, fields } = formErrors(invalid ?? create.error);

  return (
    <form
      className="space-y-4"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        const input = {
          name: String(form.get("name")),
          slug: String(form.get("slug")),
          kind: form.get("kind") === "msp" ? ("msp" as const) : ("standard" as const),
        };
        const bad = checkInput(ZNewOrg, input);
        setInvalid(bad);
        if (!bad) create.mutate(input);
      }}
    >
      {message && <Alert>{message}</Alert>}
      <NameSlugFields nameLabel="Organization name" errors={fields} />
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

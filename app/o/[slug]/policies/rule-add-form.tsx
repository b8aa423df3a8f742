"use client";

import { useMutation } from "@tanstack/react-query";
import { useId, useState } from "react";
import { formErrorsFor } from "@/app/_components/form-errors-for";
import { Alert, Button, Card } from "@/app/_components/ui";
import { useIntentRefresh } from "@/app/_components/use-intent-refresh";
import { useTRPC } from "@/app/_trpc/client";
import { RuleFields } from "./rule-fields";
import { RULE_FIELDS, readRule } from "./rule-input";

interface Props {
  orgSlug: string;
  sites: { id: string; name: string }[];
  nextPriority: number;
}

export function RuleAddForm({ orgSlug, sites, nextPriority }: Props) {
  const trpc = useTRPC();
  const headingId = useId();
  // Bumped after each rule added, to reset the fields.
  const [added, setAdded] = useState(0);
  const refresh = useIntentRefresh((t) => [t.policy.list.queryKey()]);
  const create = useMutation(
    trpc.policy.create.mutationOptions({
      onSuccess: () => {
        setAdded((n) => n + 1);
        refresh();
      },
    }),
  );
  const { message, fields } = formErrorsFor(create.error, RULE_FIELDS, "rule.");
  return (
    <Card>
      <h2 id={headingId} className="mb-3 font-semibold">
        Add a rule
      </h2>
      <form
        aria-labelledby={headingId}
        className="space-y-3"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ orgSlug, ...readRule(new FormData(e.currentTarget), "rule-") });
        }}
      >
        <RuleFields
          key={added}
          prefix="rule-"
          sites={sites}
          defaultPriority={nextPriority}
          errors={fields}
        />
        {message && <Alert>{message}</Alert>}
        {create.isSuccess && (
          <Alert kind="success">Rule added: revision {create.data.revision} is rolling out.</Alert>
        )}
        <Button type="submit" disabled={create.isPending}>
          Add rule
        </Button>
      </form>
    </Card>
  );
}

"use client";

import { useMutation } from "@tanstack/react-query";
import { EditDialog } from "@/app/_components/edit-dialog";
import { formErrorsFor } from "@/app/_components/form-errors-for";
import { FormFooter } from "@/app/_components/form-extras";
import { useIntentRefresh } from "@/app/_components/use-intent-refresh";
import { useTRPC } from "@/app/_trpc/client";
import { RuleFields } from "./rule-fields";
import { RULE_FIELDS, type Rule, readRule } from "./rule-input";

interface Props {
  orgSlug: string;
  rule: Rule;
  sites: { id: string; name: string }[];
  onClose: () => void;
}

/** Mounted only while a rule is being edited, so its fields never shadow the add form's. */
export function RuleEditDialog({ orgSlug, rule, sites, onClose }: Props) {
  const trpc = useTRPC();
  const refresh = useIntentRefresh((t) => [t.policy.list.queryKey()]);
  const update = useMutation(
    trpc.policy.update.mutationOptions({
      onSuccess: () => {
        refresh();
        onClose();
      },
    }),
  );
  const { message, fields } = formErrorsFor(update.error, RULE_FIELDS, "rule.");
  return (
    <EditDialog title={`Edit rule ${rule.priority}`} onClose={onClose}>
      {(close) => (
        <form
          className="space-y-3"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            update.mutate({
              orgSlug,
              ruleId: rule.id,
              ...readRule(new FormData(e.currentTarget), "edit-rule-"),
            });
          }}
        >
          <RuleFields prefix="edit-rule-" sites={sites} rule={rule} errors={fields} />
          <FormFooter
            message={message}
            submitLabel="Save rule"
            pending={update.isPending}
            onCancel={close}
          />
        </form>
      )}
    </EditDialog>
  );
}

"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef } from "react";
import { formErrorsFor } from "@/app/_components/form-errors-for";
import { Alert, Button } from "@/app/_components/ui";
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
  const queryClient = useQueryClient();
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  const update = useMutation(
    trpc.policy.update.mutationOptions({
      onSuccess: () => {
        queryClient.invalidateQueries({ queryKey: trpc.policy.list.queryKey() });
        queryClient.invalidateQueries({ queryKey: trpc.rollout.pathKey() });
        onClose();
      },
    }),
  );
  const { message, fields } = formErrorsFor(update.error, RULE_FIELDS, "rule.");
  return (
    <dialog
      ref={dialog}
      aria-labelledby={titleId}
      onClose={onClose}
      className="m-auto max-h-[calc(100%-2rem)] w-[calc(100%-2rem)] max-w-2xl rounded-lg border border-slate-200 p-5 shadow-lg backdrop:bg-slate-900/40"
    >
      <h2 id={titleId} className="mb-3 text-lg font-semibold">
        Edit rule {rule.priority}
      </h2>
      <form
        className="space-y-3"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          update.mutate({
            orgSlug,
            ruleId: rule.id,
            rule: readRule(new FormData(e.currentTarget), "edit-rule-"),
          });
        }}
      >
        <RuleFields prefix="edit-rule-" sites={sites} rule={rule} errors={fields} />
        {message && <Alert>{message}</Alert>}
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={() => dialog.current?.close()}>
            Cancel
          </Button>
          <Button type="submit" disabled={update.isPending}>
            Save rule
          </Button>
        </div>
      </form>
    </dialog>
  );
}

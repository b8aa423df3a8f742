"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { formErrorsFor } from "@/app/_components/form-errors-for";
import { Fieldset, SettingsFooter } from "@/app/_components/form-extras";
import { Card, NumberField } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";

const FIELDS = ["canaryPercent", "failureThreshold"] as const;

interface Props {
  orgSlug: string;
  canaryPercent: number;
  failureThreshold: number;
  canWrite: boolean;
}

/** How the next rollouts go: the canary share first, and how many failures halt them. */
export function RolloutSettingsForm({ orgSlug, canaryPercent, failureThreshold, canWrite }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const update = useMutation(
    trpc.rollout.updateSettings.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.rollout.status.queryKey() }),
    }),
  );
  const { message, fields } = formErrorsFor(update.error, FIELDS);
  return (
    <Card>
      <h2 className="mb-1 font-semibold">Rollout settings</h2>
      <p className="mb-3 text-sm text-slate-700">
        A change goes to the canary devices first (none when fewer than three devices change); when
        they all apply it, it goes to the rest. Failures reaching the limit halt the rollout.
      </p>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget);
          const num = (k: string) => {
            const v = String(form.get(k) ?? "").trim();
            return v === "" ? Number.NaN : Number(v);
          };
          update.mutate({
            orgSlug,
            canaryPercent: num("canary-percent"),
            failureThreshold: num("failure-threshold"),
          });
        }}
      >
        <Fieldset
          legend="Rollout settings"
          disabled={!canWrite}
          className="grid gap-3 sm:grid-cols-2"
        >
          <NumberField
            id="canary-percent"
            label="Canary share (%)"
            min={0}
            max={100}
            defaultValue={canaryPercent}
            hint="0 sends every change to every device at once"
            error={fields.canaryPercent}
          />
          <NumberField
            id="failure-threshold"
            label="Failures that halt a rollout"
            min={1}
            defaultValue={failureThreshold}
            error={fields.failureThreshold}
          />
        </Fieldset>
        <SettingsFooter
          canWrite={canWrite}
          message={message}
          save={update}
          saved="Saved. The next rollout uses them."
          submitLabel="Save rollout settings"
        />
      </form>
    </Card>
  );
}

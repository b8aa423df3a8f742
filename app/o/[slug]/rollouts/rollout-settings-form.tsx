"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { formErrorsFor } from "@/app/_components/form-errors-for";
import { Alert, Button, Card, Field } from "@/app/_components/ui";
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
        <fieldset
          disabled={!canWrite}
          className="grid gap-3 sm:grid-cols-2 [&_:disabled]:cursor-not-allowed [&_:disabled]:bg-slate-100"
        >
          <legend className="sr-only">Rollout settings</legend>
          <Field
            id="canary-percent"
            label="Canary share (%)"
            type="number"
            inputMode="numeric"
            min={0}
            max={100}
            defaultValue={canaryPercent}
            hint="0 sends every change to every device at once"
            error={fields.canaryPercent}
          />
          <Field
            id="failure-threshold"
            label="Failures that halt a rollout"
            type="number"
            inputMode="numeric"
            min={1}
            defaultValue={failureThreshold}
            error={fields.failureThreshold}
          />
        </fieldset>
        <div className="mt-3 space-y-3">
          {message && <Alert>{message}</Alert>}
          {update.isSuccess && <Alert kind="success">Saved. The next rollout uses them.</Alert>}
          {canWrite && (
            <Button type="submit" disabled={update.isPending}>
              Save rollout settings
            </Button>
          )}
        </div>
      </form>
    </Card>
  );
}

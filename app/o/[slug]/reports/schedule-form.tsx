"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, Button, Card, TextArea } from "@/app/_components/ui";
import { formErrors } from "@/app/_lib/errors";
import { useTRPC } from "@/app/_trpc/client";

/** Who gets the report of each month by mail, on the 1st (report.write changes it). */
export function ScheduleForm({ orgSlug, canEdit }: { orgSlug: string; canEdit: boolean }) {
  const trpc = useTRPC();
  const client = useQueryClient();
  const schedule = useQuery(trpc.report.schedule.queryOptions({ orgSlug }));
  const save = useMutation(
    trpc.report.setSchedule.mutationOptions({
      onSuccess: (view) => client.setQueryData(trpc.report.schedule.queryKey({ orgSlug }), view),
    }),
  );
  const { message, fields } = formErrors(save.error);
  const s = schedule.data;
  if (!s) return null;
  return (
    <Card className="mt-4">
      <h2 className="mb-2 font-semibold">Monthly mail</h2>
      <p className="mb-3 text-sm text-fg-muted">
        {s.lastSent
          ? `The report of ${s.lastSent.month} went to ${s.lastSent.recipients} recipient(s).`
          : "No monthly report was mailed yet."}
      </p>
      <form
        className="max-w-md space-y-4"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget);
          const recipients = String(form.get("recipients"))
            .split(/[\s,]+/)
            .filter(Boolean);
          save.mutate({ orgSlug, enabled: form.get("enabled") === "on", recipients });
        }}
      >
        {message && <Alert>{message}</Alert>}
        {save.isSuccess && <Alert kind="success">Saved.</Alert>}
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="enabled" defaultChecked={s.enabled} disabled={!canEdit} />
          Mail the previous month's report on the 1st of each month
        </label>
        <TextArea
          id="recipients"
          label="Recipients"
          hint="One address a line, at most 20"
          rows={3}
          defaultValue={s.recipients.join("\n")}
          disabled={!canEdit}
          error={fields.recipients}
        />
        {canEdit && (
          <Button type="submit" disabled={save.isPending}>
            Save
          </Button>
        )}
      </form>
    </Card>
  );
}

"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { onSubmitRead } from "@/app/_components/form-data";
import { formErrorsFor } from "@/app/_components/form-errors-for";
import { Alert, Button, Card, TextArea } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";

/** The web origins whose browser scripts may call the REST API (CORS); none by default. */
export function BrowserAccessForm({ orgSlug, canWrite }: { orgSlug: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const access = useQuery(trpc.apiAccess.get.queryOptions({ orgSlug }));
  const save = useMutation(
    trpc.apiAccess.update.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.apiAccess.get.queryKey() }),
    }),
  );
  const { message } = formErrorsFor(save.error, ["corsOrigins"]);
  if (!access.data) return access.error ? <Alert>{access.error.message}</Alert> : null;
  return (
    <Card>
      <h2 className="mb-1 font-semibold">Browser access (CORS)</h2>
      <p className="mb-3 text-sm text-slate-700">
        The REST API answers browser scripts only from these web origins, and only with an API key
        (never your session). Leave empty unless a web app of yours calls the API directly.
      </p>
      <form
        className="space-y-3"
        noValidate
        onSubmit={onSubmitRead("cors-", (r) =>
          save.mutate({ orgSlug, corsOrigins: r.lines("origins") }),
        )}
      >
        <TextArea
          key={access.data.corsOrigins.join("\n")}
          id="cors-origins"
          label="Allowed origins"
          hint="One per line, like https://app.example.com"
          rows={3}
          disabled={!canWrite}
          defaultValue={access.data.corsOrigins.join("\n")}
        />
        {message && <Alert>{message}</Alert>}
        {save.isSuccess && <p className="text-sm text-slate-700">Saved.</p>}
        {canWrite && (
          <Button type="submit" disabled={save.isPending}>
            Save origins
          </Button>
        )}
      </form>
    </Card>
  );
}

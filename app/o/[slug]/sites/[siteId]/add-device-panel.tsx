"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { CopyField } from "@/app/_components/copy-field";
import { onSubmitRead } from "@/app/_components/form-data";
import { formErrorsFor } from "@/app/_components/form-errors-for";
import { Checkbox } from "@/app/_components/form-extras";
import { Alert, Button, Card, Field, NumberField } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import type { SiteIds } from "./site-section";
import { TokenList } from "./token-list";

const FIELDS = ["expiresInHours", "maxUses", "autoApprove", "tags"] as const;

/**
 * Enrollment: a token becomes a one-line install command. The server keeps only its hash,
 * so the command is shown once, here, until the panel is closed or the page left.
 */
export function AddDevicePanel({ orgSlug, siteId }: SiteIds) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [command, setCommand] = useState<string | null>(null);
  const create = useMutation(
    trpc.site.createToken.mutationOptions({
      onSuccess: (token) => {
        setCommand(token.command);
        queryClient.invalidateQueries({ queryKey: trpc.site.tokens.queryKey() });
      },
    }),
  );
  const { message, fields } = formErrorsFor(create.error, FIELDS);
  return (
    <Card>
      <h2 className="mb-1 font-semibold">Add a device</h2>
      <p className="mb-3 text-sm text-slate-700">
        Make an install command, then run it as root on the site's Linux box.
      </p>
      <form
        className="space-y-3"
        noValidate
        onSubmit={onSubmitRead("token-", (r, form) => {
          // Empty numbers take the server's defaults (24 hours, one use).
          const num = (k: string) => r.optNum(k) ?? undefined;
          setCommand(null);
          create.mutate(
            {
              orgSlug,
              siteId,
              expiresInHours: num("expires"),
              maxUses: num("max-uses"),
              autoApprove: r.checked("auto-approve"),
              tags: r
                .text("tags")
                .split(/[\s,]+/)
                .filter(Boolean),
            },
            { onSuccess: () => form.reset() },
          );
        })}
      >
        <div className="grid gap-3 sm:grid-cols-3">
          <NumberField
            id="token-expires"
            label="Valid for (hours)"
            min={1}
            defaultValue={24}
            error={fields.expiresInHours}
          />
          <NumberField
            id="token-max-uses"
            label="Max uses"
            min={1}
            defaultValue={1}
            hint="One per box it enrolls"
            error={fields.maxUses}
          />
          <Field
            id="token-tags"
            label="Tags"
            placeholder="branch, lab"
            hint="Optional; given to every device it enrolls"
            error={fields.tags}
          />
        </div>
        <Checkbox id="token-auto-approve" label="Approve devices automatically" defaultChecked />
        {message && <Alert>{message}</Alert>}
        <Button type="submit" disabled={create.isPending}>
          Create install command
        </Button>
      </form>
      {command && (
        <div className="mt-4 space-y-3 rounded-md border border-amber-200 bg-amber-50 p-3">
          <CopyField
            label="Install command"
            value={command}
            testId="install-command"
            hint="It holds a secret and will not be shown again: copy it now."
          />
          <Button variant="secondary" onClick={() => setCommand(null)}>
            Done
          </Button>
        </div>
      )}
      <TokenList orgSlug={orgSlug} siteId={siteId} />
    </Card>
  );
}

"use client";

import { useMutation } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { ConfirmButton } from "@/app/_components/confirm-button";
import { CopyField } from "@/app/_components/copy-field";
import { Badge } from "@/app/_components/status-ui";
import { Alert, Button } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import type { AppRouter } from "@/server/api/root";

type Domain = inferRouterOutputs<AppRouter>["domain"]["list"][number];

const TONES = { pending: "amber", verified: "green", failed: "red" } as const;

/** One domain: its status, the TXT record to create, Verify and Remove. */
export function DomainRow({
  orgSlug,
  domain,
  onChange,
}: {
  orgSlug: string;
  domain: Domain;
  onChange: () => void;
}) {
  const trpc = useTRPC();
  const verify = useMutation(trpc.domain.verify.mutationOptions({ onSuccess: onChange }));
  const remove = useMutation(trpc.domain.remove.mutationOptions({ onSuccess: onChange }));
  const checked = verify.data ?? domain;
  return (
    <li className="space-y-3 py-4" data-testid={`domain-${domain.hostname}`}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div className="flex items-center gap-2">
          <span className="font-medium">{domain.hostname}</span>
          <Badge tone={TONES[domain.status]}>{domain.status}</Badge>
        </div>
        <div className="flex gap-2">
          <Button
            variant="secondary"
            disabled={verify.isPending}
            onClick={() => verify.mutate({ orgSlug, domainId: domain.id })}
          >
            {verify.isPending ? "Checking DNS…" : "Verify"}
          </Button>
          <ConfirmButton
            label="Remove"
            ariaLabel={`Remove ${domain.hostname}`}
            title={`Remove ${domain.hostname}?`}
            onConfirm={() => remove.mutate({ orgSlug, domainId: domain.id })}
          >
            The portal stops answering for this organization there, and sessions made on it stop
            working at once.
          </ConfirmButton>
        </div>
      </div>
      {domain.status !== "verified" && (
        <div className="grid gap-3 sm:grid-cols-2">
          <CopyField label="TXT record name" value={domain.record.name} />
          <CopyField label="TXT record value" value={domain.record.value} testId="txt-value" />
        </div>
      )}
      {verify.data?.status === "verified" && (
        <Alert kind="success">Verified: the domain now serves this organization.</Alert>
      )}
      {checked.lastError && <Alert>{`Last check failed: ${checked.lastError}`}</Alert>}
      {verify.error && <Alert>{verify.error.message}</Alert>}
      {remove.error && <Alert>{remove.error.message}</Alert>}
    </li>
  );
}

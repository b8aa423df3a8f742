"use client";

import { CopyField } from "@/app/_components/copy-field";
import { Alert, Button } from "@/app/_components/ui";

/** A new signing secret: shown this once, never again. */
export function SecretOnce({ secret, onDone }: { secret: string; onDone: () => void }) {
  return (
    <div className="space-y-2" data-testid="webhook-secret">
      <Alert kind="success">
        Copy the signing secret now: it is not shown again. Your receiver verifies each delivery's
        Patronus-Signature header with it.
      </Alert>
      <CopyField label="Signing secret" value={secret} testId="webhook-secret-value" />
      <Button variant="secondary" onClick={onDone}>
        I have copied it
      </Button>
    </div>
  );
}

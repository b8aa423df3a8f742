"use client";

import { CopyField } from "@/app/_components/copy-field";
import { EditDialog } from "@/app/_components/edit-dialog";
import { Alert, Button } from "@/app/_components/ui";

/** The new key's token, once: the server keeps only its hash, so closing this loses it. */
export function TokenDialog({
  name,
  token,
  onClose,
}: {
  name: string;
  token: string;
  onClose: () => void;
}) {
  return (
    <EditDialog title={`API key "${name}" created`} onClose={onClose}>
      {(close) => (
        <div className="space-y-3">
          <Alert kind="info">
            Copy the key now and keep it somewhere safe: it will not be shown again. Whoever holds
            it can use the API with its scopes until it expires or is revoked.
          </Alert>
          <CopyField
            label="API key"
            value={token}
            testId="api-key-token"
            hint="Send it as Authorization: Bearer <key>."
          />
          <div className="flex justify-end">
            <Button onClick={close}>I have copied it</Button>
          </div>
        </div>
      )}
    </EditDialog>
  );
}

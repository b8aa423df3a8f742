"use client";

import { CopyField } from "@/app/_components/copy-field";

/** A new embed link, shown once (it is not stored), with the iframe to paste. */
export function EmbedSnippet({ token, expiresAt }: { token: string; expiresAt: Date }) {
  const url = `${window.location.origin}/embed/${token}`;
  const snippet = `<iframe src="${url}" title="Network status" width="640" height="360" style="border:0"></iframe>`;
  return (
    <div className="mt-4 space-y-3" data-testid="embed-link">
      <CopyField
        label="Embed link (shown once)"
        value={url}
        testId="embed-url"
        hint={`Valid until ${expiresAt.toLocaleString()}.`}
      />
      <CopyField label="iframe snippet" value={snippet} />
    </div>
  );
}

"use client";

import { useId, useState } from "react";
import { Button } from "./ui";

/** A read-only value (a command, a secret) with a Copy button and a spoken result. */
export function CopyField({
  label,
  value,
  testId,
  hint,
}: {
  label: string;
  value: string;
  testId?: string;
  hint?: string;
}) {
  const id = useId();
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <div className="flex flex-col gap-2 sm:flex-row sm:items-start">
        <textarea
          id={id}
          readOnly
          value={value}
          rows={3}
          spellCheck={false}
          data-testid={testId}
          aria-describedby={hint ? `${id}-hint` : undefined}
          onFocus={(e) => e.currentTarget.select()}
          className="block w-full resize-none rounded-md border border-slate-300 bg-slate-900 px-3 py-2 font-mono text-xs break-all text-slate-50"
        />
        <Button
          variant="secondary"
          onClick={async () => {
            try {
              await navigator.clipboard.writeText(value);
              setCopied("yes");
            } catch {
              setCopied("no");
            }
          }}
        >
          Copy
        </Button>
      </div>
      {hint && (
        <p id={`${id}-hint`} className="text-xs text-slate-600">
          {hint}
        </p>
      )}
      <p role="status" className="text-xs text-slate-700">
        {copied === "yes" && "Copied to the clipboard."}
        {copied === "no" && "The browser refused to copy: select the text and copy it yourself."}
      </p>
    </div>
  );
}

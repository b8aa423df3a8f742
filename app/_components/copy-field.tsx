"use client";

import { useEffect, useId, useRef, useState } from "react";
import { copyText } from "./copy-to-clipboard";
import { Button } from "./ui";

/** How long the button says "Copied" before it offers to copy again. */
const CONFIRM_MS = 2_500;

/**
 * A read-only value (a command, a secret) with a Copy button. The result is shown on the
 * button and announced (a polite live region); where the browser refuses to copy, the text
 * is selected and the user is told to copy it.
 */
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
  const field = useRef<HTMLTextAreaElement>(null);
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  const [confirming, setConfirming] = useState(false);
  useEffect(() => {
    if (!confirming) return;
    const t = setTimeout(() => setConfirming(false), CONFIRM_MS);
    return () => clearTimeout(t);
  }, [confirming]);
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-fg">
        {label}
      </label>
      <div className="flex flex-col gap-2 sm:flex-row sm:items-start">
        <textarea
          ref={field}
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
          className="min-w-20"
          onClick={async () => {
            const ok = await copyText(value, field.current);
            setCopied(ok ? "yes" : "no");
            setConfirming(ok);
          }}
        >
          {confirming ? "Copied" : "Copy"}
        </Button>
      </div>
      {hint && (
        <p id={`${id}-hint`} className="text-xs text-fg-subtle">
          {hint}
        </p>
      )}
      <p role="status" aria-live="polite" className="text-xs text-fg-muted">
        {copied === "yes" && "Copied to the clipboard."}
        {copied === "no" && "The browser refused to copy: the text is selected, copy it yourself."}
      </p>
    </div>
  );
}

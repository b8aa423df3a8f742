"use client";

import { type ReactNode, useId, useRef } from "react";
import { Button } from "./ui";

/**
 * A button that asks first, in a modal <dialog> (focus is trapped and Escape cancels).
 * `label` is the button's text and the confirm button's; `ariaLabel` names the button
 * when the text alone is ambiguous in a list ("Revoke web-1").
 */
export function ConfirmButton({
  label,
  ariaLabel,
  title,
  children,
  onConfirm,
  disabled,
  variant = "danger",
}: {
  label: string;
  ariaLabel?: string;
  title: string;
  children: ReactNode;
  onConfirm: () => void;
  disabled?: boolean;
  variant?: "danger" | "secondary";
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  return (
    <>
      <Button
        variant={variant}
        aria-label={ariaLabel}
        disabled={disabled}
        onClick={() => dialog.current?.showModal()}
      >
        {label}
      </Button>
      <dialog
        ref={dialog}
        aria-labelledby={titleId}
        className="m-auto w-[calc(100%-2rem)] max-w-md rounded-lg border border-line p-5 text-left shadow-lg"
      >
        <h2 id={titleId} className="text-lg font-semibold text-fg">
          {title}
        </h2>
        <div className="mt-2 text-sm text-fg-muted">{children}</div>
        <div className="mt-5 flex justify-end gap-2">
          <Button variant="secondary" autoFocus onClick={() => dialog.current?.close()}>
            Cancel
          </Button>
          <Button
            variant="danger"
            onClick={() => {
              dialog.current?.close();
              onConfirm();
            }}
          >
            {label}
          </Button>
        </div>
      </dialog>
    </>
  );
}

"use client";

import { type ReactNode, useEffect, useId, useRef } from "react";

/**
 * A modal <dialog> that opens when mounted: mount it only while something is edited, so
 * its inputs never shadow the add form's. Escape (the dialog's `close`) calls onClose.
 */
export function EditDialog({
  title,
  onClose,
  children,
}: {
  title: string;
  onClose: () => void;
  children: (close: () => void) => ReactNode;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  return (
    <dialog
      ref={dialog}
      aria-labelledby={titleId}
      onClose={onClose}
      className="m-auto max-h-[calc(100%-2rem)] w-[calc(100%-2rem)] max-w-2xl rounded-lg border border-line p-5 shadow-lg"
    >
      <h2 id={titleId} className="mb-3 text-lg font-semibold">
        {title}
      </h2>
      {children(() => dialog.current?.close())}
    </dialog>
  );
}

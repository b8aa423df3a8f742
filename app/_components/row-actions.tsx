import type { ReactNode } from "react";
import { ConfirmButton } from "./confirm-button";
import { Button } from "./ui";

interface Props {
  /** The row as buttons name it for screen readers: "rule 10", "link fiber1". */
  what: string;
  /** Absent: the row can only be deleted. */
  onEdit?: () => void;
  onDelete: () => void;
  deleting: boolean;
  /** The confirmation's heading; "Delete <what>?" when not given. */
  deleteTitle?: string;
  /** What deleting takes with it, in the confirmation. */
  children: ReactNode;
}

/** The end of a table row: Edit, and Delete after a confirmation. */
export function RowActions({
  what,
  onEdit,
  onDelete,
  deleting,
  deleteTitle = `Delete ${what}?`,
  children,
}: Props) {
  return (
    <div className="flex justify-end gap-2">
      {onEdit && (
        <Button variant="secondary" aria-label={`Edit ${what}`} onClick={onEdit}>
          Edit
        </Button>
      )}
      <ConfirmButton
        label="Delete"
        ariaLabel={`Delete ${what}`}
        title={deleteTitle}
        disabled={deleting}
        onConfirm={onDelete}
      >
        {children}
      </ConfirmButton>
    </div>
  );
}

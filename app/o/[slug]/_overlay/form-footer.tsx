import { Alert, Button } from "@/app/_components/ui";

/** The end of an overlay form: the server's headline, a success note, cancel and submit. */
export function FormFooter({
  message,
  success,
  submitLabel,
  pending,
  onCancel,
}: {
  message: string;
  success?: string | false;
  submitLabel: string;
  pending: boolean;
  onCancel?: () => void;
}) {
  return (
    <div className="space-y-3">
      {message && <Alert>{message}</Alert>}
      {success && <Alert kind="success">{success}</Alert>}
      <div className="flex justify-end gap-2">
        {onCancel && (
          <Button variant="secondary" onClick={onCancel}>
            Cancel
          </Button>
        )}
        <Button type="submit" disabled={pending}>
          {submitLabel}
        </Button>
      </div>
    </div>
  );
}

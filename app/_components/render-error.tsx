"use client";
import { useRouter } from "next/navigation";
import { startTransition } from "react";
import { Button, Card } from "./ui";

/**
 * What a page shows when its render fails (the error boundaries app/error.tsx and
 * app/o/[slug]/error.tsx): a plain message, the reference the server logged, and a retry
 * that asks the server again. Next's built-in error page uses inline styles, which the
 * portal's CSP refuses; this one uses the portal's own classes.
 */
export function RenderError({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  const router = useRouter();
  const retry = () =>
    // A server component's failure is re-rendered on the server only after a refresh.
    startTransition(() => {
      router.refresh();
      reset();
    });
  return (
    <Card>
      <h1 className="text-lg font-semibold">This page could not be shown</h1>
      <p className="mt-1 text-sm text-slate-700">
        Something went wrong while loading it. Nothing you entered was lost; try again in a moment.
      </p>
      {error.digest && (
        <p className="mt-1 text-xs text-slate-600">
          Reference: <code>{error.digest}</code>
        </p>
      )}
      <div className="mt-3">
        <Button type="button" onClick={retry}>
          Try again
        </Button>
      </div>
    </Card>
  );
}

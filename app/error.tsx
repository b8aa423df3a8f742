"use client";
import { RenderError } from "./_components/render-error";

/** A page outside an org that failed to render (app/_components/render-error.tsx). */
export default function ErrorBoundary(props: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <main id="main" className="mx-auto flex min-h-screen max-w-lg flex-col justify-center px-4">
      <RenderError {...props} />
    </main>
  );
}

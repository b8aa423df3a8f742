"use client";
import { RenderError } from "@/app/_components/render-error";

/** An org page that failed to render: the org's top bar and menu stay, so does the way on. */
export default function OrgErrorBoundary(props: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return <RenderError {...props} />;
}

import { notFound } from "next/navigation";
import { embedDashboard } from "@/server/api/embed";
import { LiveOverview } from "./live-overview";

export const metadata = { title: "Network status", robots: { index: false } };

/**
 * The dashboard an embed token shows: no session, no cookie read or set. proxy.ts answers it
 * with frame-ancestors set to the token's org's allowed origins. A bad token is a 404.
 */
export default async function EmbedPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const view = await embedDashboard(token);
  if ("problem" in view) notFound();
  return <LiveOverview token={token} initial={view.overview} />;
}

// The embedded dashboard's server side (docs/custom-domains.md, "Embedding"): no session,
// no cookie read or set; a signed token names the org. A bad token is a 404 with its reason.
import { type EmbedOverview, embedView } from "../domains/custom-domains";
import { defineRoute, HttpError } from "../platform/http/route";

export { embedFrameAncestors } from "../domains/custom-domains";
export type { EmbedOverview };

/** The dashboard an embed token shows, or why it shows nothing. Never throws for a bad token. */
export async function embedDashboard(
  token: string,
): Promise<{ problem: string } | { overview: EmbedOverview }> {
  let text: string;
  try {
    text = decodeURIComponent(token);
  } catch {
    return { problem: "This embed link is not valid (it was changed or cut short)" };
  }
  const view = await embedView(text, "overview");
  return "overview" in view ? { overview: view.overview } : { problem: view.problem };
}

/** GET /api/embed/<token>: the same dashboard as JSON, which the embed page polls. */
export const embedDataRoute = defineRoute({
  name: "embed.data",
  maxBodyBytes: 0,
  async handle({ request }) {
    const token = new URL(request.url).pathname.split("/").at(-1) ?? "";
    const view = await embedDashboard(token);
    if ("problem" in view) throw new HttpError(404, "NOT_FOUND", view.problem);
    return new Response(JSON.stringify(view.overview), {
      headers: { "content-type": "application/json", "cache-control": "no-store" },
    });
  },
});

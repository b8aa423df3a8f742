// GET /favicon.ico. Browsers ask for it whenever a page names no icon, and Chromium also
// does for a moment during a client-side navigation, while the next page's <head> is not
// in yet. A 404 there is noise in every console (and the journeys fail on console errors):
// the answer points at the host's brand favicon, else Patronus' icon.
import { defaultEffectiveBrand, effectiveBrand } from "../domains/branding";
import { hostOrgOf } from "../domains/custom-domains";
import { getDb } from "../platform/db/client";
import { defineRoute } from "../platform/http/route";

/** Patronus' own icon (app/icon.svg, served by Next at this path). */
export const DEFAULT_ICON = "/icon.svg";

export const faviconRoute = defineRoute({
  name: "favicon",
  maxBodyBytes: 0,
  async handle({ request }) {
    const host = await hostOrgOf(request.headers);
    const brand = host ? await effectiveBrand(getDb(), host.orgId) : defaultEffectiveBrand();
    return new Response(null, {
      status: 307,
      headers: {
        // Relative: the browser stays on the host it asked (a custom domain keeps its own).
        location: brand.faviconUrl ?? DEFAULT_ICON,
        // A brand's favicon can change: a short cache, per host.
        "cache-control": "public, max-age=300",
        vary: "host",
      },
    });
  },
});

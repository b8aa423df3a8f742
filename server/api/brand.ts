// The brand a page wears (docs/white-label.md): the org's in the URL, else the verified
// custom domain's the request came in on, else Patronus' own. Read once per request
// (React's cache); a brand change shows on the next page load.
import { cache } from "react";
import {
  brandVars,
  defaultEffectiveBrand,
  type EffectiveBrand,
  effectiveBrand,
} from "../domains/branding";
import { getDb } from "../platform/db/client";
import { getHostOrg } from "./host-org";

export type { EffectiveBrand };

/** What the browser needs of a brand: no ids, no mail settings. */
export interface PageBrand {
  productName: string;
  logoLightUrl: string | null;
  logoDarkUrl: string | null;
  faviconUrl: string | null;
  signInText: string | null;
  supportUrl: string | null;
  supportEmail: string | null;
  /** "Powered by Patronus" shows: a brand of its own that the plan does not let hide it. */
  poweredBy: boolean;
  /**
   * The brand's palette as CSS custom properties, for the `style` of a `[data-brand]`
   * element; null for Patronus' own colours (globals.css has them).
   */
  vars: Record<string, string> | null;
}

export function pageBrand(brand: EffectiveBrand): PageBrand {
  return {
    productName: brand.productName,
    logoLightUrl: brand.logoLightUrl,
    logoDarkUrl: brand.logoDarkUrl ?? brand.logoLightUrl,
    faviconUrl: brand.faviconUrl,
    signInText: brand.signInText,
    supportUrl: brand.supportUrl,
    supportEmail: brand.supportEmail,
    poweredBy: brand.sources.productName !== "default" && !brand.hidePoweredBy,
    vars:
      brand.sources.primaryColor === "default" && brand.sources.accentColor === "default"
        ? null
        : sourceVars(brandVars(brand)),
  };
}

/**
 * The palette under the names globals.css reads on a `[data-brand]` element (`--brand-600`,
 * `--brand-accent`): it derives the page's colours from them there, for both themes, so an
 * inline style never outranks the dark theme's own steps.
 */
function sourceVars(palette: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(palette).map(([name, value]) => [
      name === "--color-accent" ? "--brand-accent" : name.replace("--color-brand-", "--brand-"),
      value,
    ]),
  );
}

/** The custom domain's brand on a verified custom host; Patronus' on the main app. */
export const hostBrand = cache(async (): Promise<PageBrand> => {
  const host = await getHostOrg();
  return pageBrand(host ? await effectiveBrand(getDb(), host.orgId) : defaultEffectiveBrand());
});

/** The brand of an org the caller may see (the org layout checked it). */
export const orgBrand = cache(
  async (orgId: string): Promise<PageBrand> => pageBrand(await effectiveBrand(getDb(), orgId)),
);

/** The attributes of an element that wears `brand` (nothing for Patronus' own colours). */
export function brandAttrs(brand: PageBrand): {
  "data-brand"?: "";
  style?: Record<string, string>;
} {
  return brand.vars ? { "data-brand": "", style: brand.vars } : {};
}

// An org's effective brand, field by field: its own brand, then its MSP parent's, then
// Patronus' defaults. A customer-scoped transaction may read its parent's brand row (the
// parent_brand_read policy): what the customer's people are shown anyway.

import { assetUrl } from "../../../platform/assets";
import type { Db, Tx } from "../../../platform/db/client";
import { withScope } from "../../../platform/db/with-tenant";
import { mayWhiteLabel } from "../../billing";
import type { EffectiveBrand } from "../views";
import { BRAND_KEYS, type BrandKey, defaultBrand } from "./defaults";

type Row = Partial<Record<BrandKey, string | boolean | null>> | null;

/** The org's own brand row and its MSP parent's (either may be null). */
export async function brandRows(tx: Tx, orgId: string) {
  const org = await tx.organization.findUnique({
    where: { id: orgId },
    select: { parentId: true },
  });
  const own = await tx.brand.findUnique({ where: { orgId } });
  const parent = org?.parentId
    ? await tx.brand.findUnique({ where: { orgId: org.parentId } })
    : null;
  return { own, parent, parentId: org?.parentId ?? null };
}

const url = (id: unknown) => (typeof id === "string" ? assetUrl(id) : null);

/** Merges the rows; `whiteLabel` false keeps "Powered by Patronus" whatever they say. */
export function mergeBrand(own: Row, parent: Row, whiteLabel: boolean): EffectiveBrand {
  const sources: Record<string, "own" | "msp" | "default"> = {};
  const merged = Object.fromEntries(
    BRAND_KEYS.map((key) => {
      const mine = own?.[key];
      const theirs = parent?.[key];
      const source = mine != null ? "own" : theirs != null ? "msp" : "default";
      sources[key] = source;
      return [key, mine ?? theirs ?? defaultBrand[key]];
    }),
  ) as Record<BrandKey, never>;
  return {
    productName: merged.productName,
    primaryColor: merged.primaryColor,
    accentColor: merged.accentColor,
    supportUrl: merged.supportUrl,
    supportEmail: merged.supportEmail,
    signInText: merged.signInText,
    emailSenderName:
      merged.emailSenderName ?? (sources.productName === "default" ? null : merged.productName),
    hidePoweredBy: whiteLabel && merged.hidePoweredBy === true,
    logoLightUrl: url(merged.logoLightAssetId),
    logoDarkUrl: url(merged.logoDarkAssetId),
    faviconUrl: url(merged.faviconAssetId),
    sources,
  };
}

/** In the caller's transaction, which must be scoped to `orgId`. */
export async function effectiveBrandIn(tx: Tx, orgId: string): Promise<EffectiveBrand> {
  const { own, parent } = await brandRows(tx, orgId);
  const asksToHide = (own?.hidePoweredBy ?? parent?.hidePoweredBy) === true;
  return mergeBrand(own, parent, asksToHide && (await mayWhiteLabel(tx, orgId)));
}

/** `orgId`'s effective brand, in a transaction of its own (layouts, workers). */
export function effectiveBrand(db: Db, orgId: string): Promise<EffectiveBrand> {
  return withScope(db, { orgId }, (tx) => effectiveBrandIn(tx, orgId));
}

/** What an org without a brand of its own, or no org at all, shows. */
export const defaultEffectiveBrand = (): EffectiveBrand => mergeBrand(null, null, false);

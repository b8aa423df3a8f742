// Patronus' own brand: what every field is where neither the org nor its MSP set it. The
// colours are app/globals.css's (brand-600, which also draws the focus ring).
export const defaultBrand = {
  productName: "Patronus",
  primaryColor: "#1d5fd6",
  accentColor: "#1d5fd6",
  supportUrl: null,
  supportEmail: null,
  signInText: null,
  emailSenderName: null,
  hidePoweredBy: false,
  logoLightAssetId: null,
  logoDarkAssetId: null,
  faviconAssetId: null,
} as const;

export type BrandKey = keyof typeof defaultBrand;
export const BRAND_KEYS = Object.keys(defaultBrand) as BrandKey[];

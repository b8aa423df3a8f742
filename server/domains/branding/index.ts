// The branding domain's public surface: other domains import only this file.

export { brandCss, brandPalette, brandVars } from "./colour/palette";
export { brandingFeature as feature } from "./feature";
export { brandedMail } from "./services/branded-mail";
export { defaultBrand } from "./services/defaults";
export { defaultEffectiveBrand, effectiveBrand, effectiveBrandIn } from "./services/effective";
export type { EffectiveBrand } from "./views";

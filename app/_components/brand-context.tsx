"use client";

import { createContext, type ReactNode, useContext } from "react";
import type { PageBrand } from "@/server/api/brand";

const DEFAULT: Omit<PageBrand, "vars"> = {
  productName: "Patronus",
  logoLightUrl: null,
  logoDarkUrl: null,
  faviconUrl: null,
  signInText: null,
  supportUrl: null,
  supportEmail: null,
  poweredBy: false,
};

const BrandContext = createContext<Omit<PageBrand, "vars">>(DEFAULT);

/** Client components (the sign-in family) read the page's brand from here. */
export function BrandProvider({ brand, children }: { brand: PageBrand; children: ReactNode }) {
  const { vars: _vars, ...rest } = brand;
  return <BrandContext.Provider value={rest}>{children}</BrandContext.Provider>;
}

export const useBrand = () => useContext(BrandContext);

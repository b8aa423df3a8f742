import type { Metadata } from "next";
import { cookies } from "next/headers";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { brandAttrs, hostBrand } from "@/server/api/brand";
import "./globals.css";
import { BrandProvider } from "./_components/brand-context";
import { parseTheme, THEME_COOKIE } from "./_lib/theme";
import { TRPCReactProvider } from "./_trpc/client";

/** Titles and the favicon follow the host's brand (an org layout narrows it further). */
export async function generateMetadata(): Promise<Metadata> {
  await connection();
  const brand = await hostBrand();
  return {
    title: { default: brand.productName, template: `%s · ${brand.productName}` },
    description: "Open SD-WAN as a service: sites, tunnels, policies and live topology.",
    ...(brand.faviconUrl ? { icons: { icon: brand.faviconUrl } } : {}),
  };
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page renders per request: Next.js puts the request's CSP nonce (proxy.ts) on its
  // scripts only then, and a page prerendered at build time would carry none.
  await connection();
  // The theme is rendered by the server (no script, no flash): "system" leaves it to CSS.
  const theme = parseTheme((await cookies()).get(THEME_COOKIE)?.value);
  const brand = await hostBrand();
  return (
    <html lang="en" data-theme={theme}>
      {/* The host's brand palette: globals.css derives the page's colours from it ([data-brand]). */}
      <body {...brandAttrs(brand)}>
        <a
          href="#main"
          className="sr-only z-50 rounded-md bg-surface px-3 py-2 text-sm font-medium text-link focus:not-sr-only focus:fixed focus:top-2 focus:left-2"
        >
          Skip to content
        </a>
        <BrandProvider brand={brand}>
          <TRPCReactProvider>{children}</TRPCReactProvider>
        </BrandProvider>
      </body>
    </html>
  );
}

import type { Metadata } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import "./globals.css";
import { TRPCReactProvider } from "./_trpc/client";

export const metadata: Metadata = {
  title: { default: "Patronus", template: "%s · Patronus" },
  description: "Open SD-WAN as a service: sites, tunnels, policies and live topology.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page renders per request: Next.js puts the request's CSP nonce (proxy.ts) on its
  // scripts only then, and a page prerendered at build time would carry none.
  await connection();
  return (
    <html lang="en">
      <body>
        <TRPCReactProvider>{children}</TRPCReactProvider>
      </body>
    </html>
  );
}

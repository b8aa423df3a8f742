import type { Metadata } from "next";
import type { ReactNode } from "react";
import "./globals.css";
import { TRPCReactProvider } from "./_trpc/client";

export const metadata: Metadata = {
  title: { default: "Patronus", template: "%s · Patronus" },
  description: "Open SD-WAN as a service: sites, tunnels, policies and live topology.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <TRPCReactProvider>{children}</TRPCReactProvider>
      </body>
    </html>
  );
}

"use client";

import type { ReactNode } from "react";
import { Link } from "@/app/_components/link";
import { useBrand } from "./brand-context";
import { BrandMark, PoweredBy } from "./brand-mark";

/** Centered card for the sign-in family of pages. */
export function AuthShell({
  title,
  children,
  footer,
}: {
  title: string;
  children: ReactNode;
  footer?: ReactNode;
}) {
  const brand = useBrand();
  return (
    <main id="main" className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm">
        <Link
          href="/"
          className="mb-6 flex justify-center text-center text-xl font-bold text-link"
          data-testid="brand-name"
        >
          <BrandMark brand={brand} className="h-10" />
        </Link>
        {brand.signInText && (
          <p className="mb-4 text-center text-sm text-fg-muted" data-testid="sign-in-text">
            {brand.signInText}
          </p>
        )}
        <div className="rounded-lg border border-line bg-surface p-6 shadow-sm">
          <h1 className="mb-4 text-xl font-semibold">{title}</h1>
          {children}
        </div>
        {footer && <div className="mt-4 text-center text-sm text-fg-muted">{footer}</div>}
        <SupportLinks brand={brand} />
        <PoweredBy brand={brand} />
      </div>
    </main>
  );
}

function SupportLinks({ brand }: { brand: ReturnType<typeof useBrand> }) {
  if (!brand.supportUrl && !brand.supportEmail) return null;
  return (
    <p className="mt-4 text-center text-sm text-fg-muted">
      Need help?{" "}
      {brand.supportUrl && (
        <a className="text-link underline" href={brand.supportUrl} rel="noreferrer">
          Support
        </a>
      )}
      {brand.supportUrl && brand.supportEmail && " · "}
      {brand.supportEmail && (
        <a className="text-link underline" href={`mailto:${brand.supportEmail}`}>
          {brand.supportEmail}
        </a>
      )}
    </p>
  );
}

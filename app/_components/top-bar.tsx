import Link from "next/link";
import type { ReactNode } from "react";
import { SignOutButton } from "./sign-out-button";

export function TopBar({ email, children }: { email: string; children?: ReactNode }) {
  return (
    <header className="flex flex-wrap items-center justify-between gap-3 border-b border-slate-200 bg-white px-4 py-3">
      <div className="flex items-center gap-4">
        <Link href="/orgs" className="text-lg font-bold text-brand-700">
          Patronus
        </Link>
        {children}
      </div>
      <div className="flex items-center gap-3 text-sm text-slate-700">
        <span data-testid="current-user">{email}</span>
        <SignOutButton />
      </div>
    </header>
  );
}

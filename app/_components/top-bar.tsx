import { cookies } from "next/headers";
import type { ReactNode } from "react";
import { Link } from "@/app/_components/link";
import { parseTheme, THEME_COOKIE } from "@/app/_lib/theme";
import { hostBrand, type PageBrand } from "@/server/api/brand";
import { BrandMark } from "./brand-mark";
import { SignOutButton } from "./sign-out-button";
import { ThemeToggle } from "./theme-toggle";

/**
 * The bar on every signed-in page, in the org's brand inside an org and the host's
 * elsewhere. `menu` is the phone's navigation button (shown below `md`); the bar wraps onto
 * a second line on narrow screens.
 */
export async function TopBar({
  email,
  brand,
  menu,
  children,
}: {
  email: string;
  brand?: PageBrand;
  menu?: ReactNode;
  children?: ReactNode;
}) {
  const theme = parseTheme((await cookies()).get(THEME_COOKIE)?.value);
  const shown = brand ?? (await hostBrand());
  return (
    <header className="relative flex flex-wrap items-center justify-between gap-x-3 gap-y-2 border-b border-line bg-surface px-4 py-3">
      <div className="flex min-w-0 flex-wrap items-center gap-x-4 gap-y-2">
        {menu}
        <Link
          href="/orgs"
          className="flex items-center text-lg font-bold text-link"
          data-testid="brand-name"
        >
          <BrandMark brand={shown} className="h-7" />
        </Link>
        {children}
      </div>
      <div className="flex min-w-0 flex-wrap items-center gap-x-3 gap-y-2 text-sm text-fg-muted">
        <span data-testid="current-user" className="max-w-[16rem] truncate" title={email}>
          {email}
        </span>
        <ThemeToggle rendered={theme} />
        <SignOutButton />
      </div>
    </header>
  );
}

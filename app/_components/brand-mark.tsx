import type { PageBrand } from "@/server/api/brand";

/**
 * The brand's logo (the dark variant in dark mode) or, without one, its product name.
 * Plain <img>: brand images are small, already sized, and served with immutable caching.
 */
export function BrandMark({
  brand,
  className = "h-8",
}: {
  brand: Pick<PageBrand, "productName" | "logoLightUrl" | "logoDarkUrl">;
  className?: string;
}) {
  if (!brand.logoLightUrl) return <>{brand.productName}</>;
  return (
    <>
      {/* biome-ignore lint/performance/noImgElement: a small brand image, no optimizer needed */}
      <img
        src={brand.logoLightUrl}
        alt={brand.productName}
        className={`${className} w-auto dark:hidden`}
        data-testid="brand-logo"
      />
      {/* biome-ignore lint/performance/noImgElement: as above */}
      <img
        src={brand.logoDarkUrl ?? brand.logoLightUrl}
        alt={brand.productName}
        className={`${className} hidden w-auto dark:block`}
      />
    </>
  );
}

/** "Powered by Patronus", where the brand's plan keeps it. */
export function PoweredBy({ brand }: { brand: Pick<PageBrand, "poweredBy"> }) {
  if (!brand.poweredBy) return null;
  return (
    <p className="py-4 text-center text-xs text-fg-subtle" data-testid="powered-by">
      Powered by Patronus
    </p>
  );
}

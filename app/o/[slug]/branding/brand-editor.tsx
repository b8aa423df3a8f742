"use client";

import { useQuery } from "@tanstack/react-query";
import { Card } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { BrandForm } from "./brand-form";
import { ImageUploads } from "./image-uploads";

export function BrandEditor({ orgSlug }: { orgSlug: string }) {
  const trpc = useTRPC();
  const brand = useQuery(trpc.brand.get.queryOptions({ orgSlug }));
  if (!brand.data)
    return <Card>{brand.error ? brand.error.message : <p className="text-sm">Loading…</p>}</Card>;
  return (
    <>
      <Card>
        <h2 className="mb-3 font-semibold">Brand</h2>
        <BrandForm orgSlug={orgSlug} brand={brand.data} />
      </Card>
      <Card>
        <h2 className="mb-3 font-semibold">Logos and icon</h2>
        <ImageUploads orgSlug={orgSlug} brand={brand.data} />
      </Card>
    </>
  );
}

"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/app/_components/ui";
import { formErrors } from "@/app/_lib/errors";
import { useTRPC } from "@/app/_trpc/client";
import { IMAGE_BASE64_MAX } from "@/server/api/shared";
import type { BrandView } from "./brand-form";

const SLOTS = [
  { slot: "logoLight", label: "Logo for light backgrounds", url: "logoLightUrl", dark: false },
  { slot: "logoDark", label: "Logo for dark backgrounds", url: "logoDarkUrl", dark: true },
  { slot: "favicon", label: "Favicon", url: "faviconUrl", dark: false },
] as const;

type Slot = (typeof SLOTS)[number]["slot"];

const readAsDataUrl = (file: File) =>
  new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });

/** Uploads a PNG per slot and shows what is in use (the org's own, or inherited). */
export function ImageUploads({ orgSlug, brand }: { orgSlug: string; brand: BrandView }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // What was just uploaded, shown at once from the file itself.
  const [fresh, setFresh] = useState<Partial<Record<Slot, string>>>({});
  const [problems, setProblems] = useState<Partial<Record<Slot, string>>>({});
  const [done, setDone] = useState<string | null>(null);
  const onView = (view: BrandView) =>
    queryClient.setQueryData(trpc.brand.get.queryKey({ orgSlug }), view);
  const upload = useMutation(trpc.brand.uploadImage.mutationOptions({ onSuccess: onView }));
  const remove = useMutation(trpc.brand.removeImage.mutationOptions({ onSuccess: onView }));
  const failed = formErrors(upload.error ?? remove.error);

  async function choose(slot: Slot, file: File | undefined) {
    if (!file) return;
    const dataUrl = await readAsDataUrl(file);
    if (dataUrl.length > IMAGE_BASE64_MAX) {
      setProblems({ [slot]: "The image is too large: at most about 512 KB of PNG" });
      return;
    }
    setProblems({});
    upload.mutate(
      { orgSlug, slot, dataBase64: dataUrl },
      {
        onSuccess: () => {
          setFresh((f) => ({ ...f, [slot]: dataUrl }));
          setDone(`${SLOTS.find((s) => s.slot === slot)!.label}: uploaded.`);
        },
      },
    );
  }

  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-700">PNG images; at most about 512 KB each.</p>
      {done && !upload.error && (
        <p role="status" className="text-sm text-green-800">
          {done}
        </p>
      )}
      {(failed.message || Object.values(failed.fields)[0]) && (
        <p role="alert" className="text-sm text-red-700">
          {failed.message || Object.values(failed.fields)[0]}
        </p>
      )}
      <div className="grid gap-4 sm:grid-cols-3">
        {SLOTS.map(({ slot, label, url, dark }) => {
          const own = fresh[slot] ?? brand.own[url];
          const shown = own ?? brand.effective[url];
          return (
            <div key={slot} className="space-y-2">
              <label htmlFor={`image-${slot}`} className="block text-sm font-medium text-slate-800">
                {label}
              </label>
              <div
                className={`flex h-20 items-center justify-center rounded-md border border-slate-200 ${dark ? "bg-slate-900" : "bg-white"}`}
              >
                {shown ? (
                  // biome-ignore lint/performance/noImgElement: an uploaded image of any size, shown as is
                  <img src={shown} alt={`${label} in use`} className="max-h-16 max-w-full" />
                ) : (
                  <span className={`text-xs ${dark ? "text-slate-200" : "text-slate-600"}`}>
                    None
                  </span>
                )}
              </div>
              <input
                id={`image-${slot}`}
                type="file"
                accept="image/png"
                className="block w-full text-sm"
                aria-describedby={problems[slot] ? `image-${slot}-error` : undefined}
                onChange={(e) => void choose(slot, e.target.files?.[0])}
              />
              {problems[slot] && (
                <p id={`image-${slot}-error`} className="text-xs text-red-700">
                  {problems[slot]}
                </p>
              )}
              {own && (
                <Button
                  variant="secondary"
                  disabled={remove.isPending}
                  onClick={() => {
                    setFresh((f) => ({ ...f, [slot]: undefined }));
                    remove.mutate({ orgSlug, slot });
                  }}
                >
                  Remove {label.toLowerCase()}
                </Button>
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}

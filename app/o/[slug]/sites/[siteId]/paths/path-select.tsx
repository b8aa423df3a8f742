"use client";

import { useState } from "react";
import { Select } from "@/app/_components/ui";
import { pathLabel, type SitePath } from "./path-label";

/** The path a chart shows: the chosen one while it exists, else the first (paths come and go with intent). */
export function usePathChoice(paths: SitePath[]) {
  const [chosen, setChosen] = useState<string>();
  const pathId = paths.some((p) => p.id === chosen) ? chosen : paths[0]?.id;
  return { pathId, path: paths.find((p) => p.id === pathId), setChosen };
}

/** Picks one of the site's paths by its name ("fiber1 → Branch B / lte"). */
export function PathSelect({
  id,
  paths,
  value,
  onChange,
}: {
  id: string;
  paths: SitePath[];
  value: string | undefined;
  onChange: (pathId: string) => void;
}) {
  return (
    <Select id={id} label="Path" value={value} onChange={(e) => onChange(e.target.value)}>
      {paths.map((p) => (
        <option key={p.id} value={p.id}>
          {pathLabel(p)}
        </option>
      ))}
    </Select>
  );
}

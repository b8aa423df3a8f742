"use client";

import { FieldFrame, fieldAria } from "@/app/_components/ui";
import { contrastReadout, formatRatio } from "@/server/api/shared";

/**
 * A colour as hex text with a picker beside it and the contrast it has, measured as the
 * server measures it. Empty: inherited (`inherited` is shown in the picker).
 */
export function ColourField({
  id,
  label,
  value,
  inherited,
  onChange,
  needs,
  error,
}: {
  id: string;
  label: string;
  value: string;
  inherited: string;
  onChange: (value: string) => void;
  /** The ratios required: on white, and on the dark background (0: not checked). */
  needs: { white: number; dark: number };
  error?: string;
}) {
  const shown = /^#[0-9a-f]{6}$/i.test(value) ? value.toLowerCase() : inherited;
  const readout = contrastReadout(shown);
  const hint = readout
    ? [
        `${formatRatio(readout.onWhite)} on white${readout.onWhite < needs.white ? ` (needs ${formatRatio(needs.white)})` : ""}`,
        ...(needs.dark
          ? [
              `${formatRatio(readout.onDark)} on dark${readout.onDark < needs.dark ? ` (needs ${formatRatio(needs.dark)})` : ""}`,
            ]
          : []),
      ].join(" · ")
    : undefined;
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error}>
      <div className="flex items-center gap-2">
        <input
          type="color"
          aria-label={`${label}: picker`}
          value={shown}
          onChange={(e) => onChange(e.target.value)}
          className="h-9 w-12 rounded border border-slate-300 bg-white"
        />
        <input
          id={id}
          name={id}
          value={value}
          placeholder={inherited}
          onChange={(e) => onChange(e.target.value)}
          className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-sm"
          {...fieldAria(id, error, hint)}
        />
      </div>
    </FieldFrame>
  );
}

"use client";

import { Checkbox } from "@/app/_components/form-extras";
import { Button } from "@/app/_components/ui";

export interface Scope {
  name: string;
  group: string;
  groupLabel: string;
  label: string;
  readOnly: boolean;
}

/**
 * The permissions a key gets, grouped by area, from those the signed-in person holds (the
 * server refuses more anyway). Presets set the whole choice; "All" selects a group.
 */
export function ScopePicker({
  scopes,
  selected,
  onChange,
  error,
}: {
  scopes: Scope[];
  selected: ReadonlySet<string>;
  onChange: (next: Set<string>) => void;
  error?: string;
}) {
  const groups = [...new Set(scopes.map((s) => s.group))].map((group) => ({
    group,
    items: scopes.filter((s) => s.group === group),
  }));
  const toggle = (names: string[], on: boolean) => {
    const next = new Set(selected);
    for (const n of names) {
      if (on) next.add(n);
      else next.delete(n);
    }
    onChange(next);
  };
  return (
    <fieldset className="space-y-3" aria-describedby={error ? "key-scopes-error" : undefined}>
      <legend className="mb-1 block text-sm font-medium text-slate-800">Scopes</legend>
      <div className="flex flex-wrap gap-2">
        <Button
          variant="secondary"
          onClick={() => onChange(new Set(scopes.filter((s) => s.readOnly).map((s) => s.name)))}
        >
          Read-only
        </Button>
        <Button variant="secondary" onClick={() => onChange(new Set(scopes.map((s) => s.name)))}>
          All I can grant
        </Button>
        <Button variant="secondary" onClick={() => onChange(new Set())}>
          Clear
        </Button>
      </div>
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
        {groups.map(({ group, items }) => {
          const names = items.map((s) => s.name);
          const all = names.every((n) => selected.has(n));
          const label = items[0]?.groupLabel ?? group;
          return (
            <fieldset key={group} className="rounded-md border border-slate-200 p-3">
              <legend className="px-1 text-sm font-semibold text-slate-800">{label}</legend>
              <div className="space-y-1.5">
                <Checkbox
                  id={`key-scope-all-${group}`}
                  label={`All of ${label}`}
                  checked={all}
                  onChange={(e) => toggle(names, e.currentTarget.checked)}
                />
                {items.map((s) => (
                  <Checkbox
                    key={s.name}
                    id={`key-scope-${s.name}`}
                    label={`${s.label} (${s.name})`}
                    checked={selected.has(s.name)}
                    onChange={(e) => toggle([s.name], e.currentTarget.checked)}
                  />
                ))}
              </div>
            </fieldset>
          );
        })}
      </div>
      {error && (
        <p id="key-scopes-error" className="text-xs text-red-700">
          {error}
        </p>
      )}
    </fieldset>
  );
}

"use client";

import { type FormEvent, useId } from "react";
import { Button } from "../ui";
import { changed, PAGE_SIZES } from "./list-state";
import type { ListController } from "./use-list";

/** A filter's control: a choice of `options`, or (without) a text or date box by its kind. */
export interface FilterControl {
  name: string;
  label: string;
  options?: readonly { value: string; label: string }[];
  /** The empty choice of a select ("Any status"). */
  any?: string;
}

const control = "block w-full rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm";

/**
 * The list's search box, filters and page size, as a search form: choosing in a select
 * applies at once, text and dates on Enter or "Search". Reset when the URL changes (Back).
 */
export function ListToolbar({
  list,
  name,
  searchLabel,
  filters = [],
}: {
  list: ListController;
  /** The search landmark's name ("Filter sites"). */
  name: string;
  searchLabel?: string;
  filters?: FilterControl[];
}) {
  const { state, spec } = list;
  const id = useId();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? "").trim();
    const picked: Record<string, string> = {};
    for (const f of filters) if (text(f.name)) picked[f.name] = text(f.name);
    // Filters set by a link (a site's devices) but without a control here stay.
    for (const [name, value] of Object.entries(state.filters))
      if (!filters.some((f) => f.name === name)) picked[name] = value;
    list.go(changed(state, { q: text("q"), filters: picked, limit: Number(text("limit")) }));
  };
  const apply = (event: { currentTarget: HTMLSelectElement | HTMLInputElement }) =>
    event.currentTarget.form?.requestSubmit();
  return (
    <search aria-label={name}>
      <form key={list.matching} onSubmit={submit} className="mb-3 flex flex-wrap items-end gap-2">
        {spec.search && searchLabel && (
          <label className="min-w-48 flex-1 text-xs font-medium text-slate-700">
            {searchLabel}
            <input
              type="search"
              name="q"
              defaultValue={state.q}
              maxLength={60}
              className={control}
            />
          </label>
        )}
        {filters.map((f) => (
          <div key={f.name} className="text-xs font-medium text-slate-700">
            <label htmlFor={`${id}-${f.name}`}>{f.label}</label>
            {f.options ? (
              <select
                id={`${id}-${f.name}`}
                name={f.name}
                defaultValue={state.filters[f.name] ?? ""}
                onChange={apply}
                className={control}
              >
                <option value="">{f.any ?? "Any"}</option>
                {f.options.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
            ) : (
              <input
                id={`${id}-${f.name}`}
                type={spec.filters[f.name] === "text" ? "text" : "date"}
                name={f.name}
                defaultValue={state.filters[f.name] ?? ""}
                maxLength={254}
                className={control}
              />
            )}
          </div>
        ))}
        <label className="text-xs font-medium text-slate-700">
          Per page
          <select name="limit" defaultValue={state.limit} onChange={apply} className={control}>
            {PAGE_SIZES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <Button type="submit" variant="secondary" className="py-1.5">
          Search
        </Button>
      </form>
    </search>
  );
}

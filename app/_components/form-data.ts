import type { FormEvent } from "react";

/** Readers for a form's FormData: what the inputs say, typed for the API. */
export function formReader(form: FormData, prefix: string) {
  const text = (k: string) => String(form.get(`${prefix}${k}`) ?? "").trim();
  return {
    text,
    /** Empty: NaN, so the server's "expected number" lands on the field. */
    num: (k: string) => (text(k) === "" ? Number.NaN : Number(text(k))),
    /** Empty: null (optional numbers such as a DSCP). */
    optNum: (k: string) => (text(k) === "" ? null : Number(text(k))),
    optText: (k: string) => text(k) || null,
    checked: (k: string) => form.get(`${prefix}${k}`) === "on",
    /** One entry per line or comma: prefix lists. */
    lines: (k: string) =>
      text(k)
        .split(/[\n,]+/)
        .map((s) => s.trim())
        .filter(Boolean),
  };
}

export type FormReader = ReturnType<typeof formReader>;

/**
 * A form's onSubmit: the page stays, and `submit` gets the form's fields (their ids start
 * with `prefix`) and the form itself, to reset it once saved.
 */
export const onSubmitRead =
  (prefix: string, submit: (fields: FormReader, form: HTMLFormElement) => void) =>
  (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    submit(formReader(new FormData(e.currentTarget), prefix), e.currentTarget);
  };

// Small pure helpers over JSON values the diff and its rendering share.
import type { Json } from "./types";

export const isObject = (v: unknown): v is { [key: string]: Json } =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** A canonical text of a value: equal values (whatever their key order) give equal texts. */
export function canonical(v: Json): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (isObject(v))
    return `{${Object.keys(v)
      .filter((k) => v[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k] as Json)}`)
      .join(",")}}`;
  return JSON.stringify(v) ?? "null";
}

export const jsonEqual = (a: Json, b: Json) => a === b || canonical(a) === canonical(b);

// Fields whose values are credentials: a diff shows that they changed, never what they are.
const SECRET = /pass(word|phrase)|secret|token|private.?key|api.?key|psk|credential|cookie/i;
export const isSecretKey = (key: string) => SECRET.test(key);

export const HIDDEN = "(hidden)";

/** The value with every secret-looking field's value replaced by HIDDEN. */
export function redactValue(v: Json): Json {
  if (Array.isArray(v)) return v.map(redactValue);
  if (!isObject(v)) return v;
  return Object.fromEntries(
    Object.entries(v).map(([k, x]) => [k, isSecretKey(k) ? HIDDEN : redactValue(x)]),
  );
}

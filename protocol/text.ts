// The one check every string crossing a boundary goes through (tRPC, REST, enrollment, fleet
// messages, better-auth bodies): text PostgreSQL can store and a person can read. Every
// string schema is built from `zText()`; test/architecture/import-rules.test.ts refuses a
// bare z.string() elsewhere.
import { z } from "zod";

/**
 * Refused anywhere in a string: NUL and the other C0 controls except tab, line feed and
 * carriage return; DEL and the C1 controls; the bidirectional overrides and isolates
 * (they make a name display as something else); the noncharacters U+FFFE and U+FFFF.
 */
const FORBIDDEN =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uFFFE\uFFFF]/;

export const TEXT_MESSAGE =
  "must be valid text: no NUL bytes, control characters, direction overrides or unpaired surrogates";

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether `value` is clean text: well-formed UTF-16 (no lone surrogate), nothing FORBIDDEN. */
export function isCleanText(value: string): boolean {
  return !LONE_SURROGATE.test(value) && !FORBIDDEN.test(value);
}

/** `value` made clean: each character that is not shown as U+FFFD (for showing, not storing input). */
export function cleanTextOf(value: string): string {
  if (isCleanText(value)) return value;
  return [...value].map((c) => (isCleanText(c) ? c : "\uFFFD")).join("");
}

/** A string schema that refuses unclean text with a field message; chain .min/.max/.regex. */
export function zText() {
  return z.string().refine(isCleanText, { message: TEXT_MESSAGE, abort: true });
}

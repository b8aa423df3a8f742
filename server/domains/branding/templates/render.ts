// `{{name}}` placeholders in plain-text mail. Checked when a template is saved (an unknown
// name, a missing link or a stray brace is a 400 naming it) and filled in when a mail is
// written. Pure; the branding page runs the same checks.
import { PLACEHOLDERS, type TemplateKind } from "./catalog";

const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}/g;

/** The placeholder names in `text`, in order, repeated as often as they appear. */
export const placeholdersIn = (text: string) => [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!);

/** Why `text` (a template's subject or body) cannot be used for `kind`, or undefined. */
export function templateTextProblem(
  kind: TemplateKind,
  text: string,
  part: "subject" | "body",
): string | undefined {
  const { allowed, required } = PLACEHOLDERS[kind];
  const unknown = placeholdersIn(text).find((name) => !allowed.includes(name));
  if (unknown)
    return `Unknown placeholder {{${unknown}}}: this mail can use ${allowed.map((a) => `{{${a}}}`).join(", ")}`;
  if (/\{\{|\}\}/.test(text.replace(PLACEHOLDER, "")))
    return "A {{ or }} that is not a placeholder: write placeholders as {{name}}";
  if (part === "body") {
    const missing = required.find((name) => !placeholdersIn(text).includes(name));
    if (missing) return `The body must contain {{${missing}}}: the mail carries that link`;
  }
  return undefined;
}

/**
 * `text` with its placeholders filled in from `vars` (a missing one becomes empty). A
 * subject is kept on one line: line breaks in it, or in a value, become spaces.
 */
export function renderText(text: string, vars: Record<string, string>, oneLine = false) {
  const out = text.replace(PLACEHOLDER, (_m, name: string) => vars[name] ?? "");
  return oneLine ? out.replace(/[\r\n]+/g, " ").trim() : out;
}

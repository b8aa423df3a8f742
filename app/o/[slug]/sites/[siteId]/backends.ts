import { formErrors } from "@/app/_lib/errors";

export type Backend = { addr: string; port: number };

/** "addr:port" lines → backends; a line that is not of that shape is named by its number. */
export function parseBackends(text: string): { backends: Backend[]; error?: string } {
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const backends: Backend[] = [];
  for (const [i, line] of lines.entries()) {
    const m = /^(.+):(\d{1,5})$/.exec(line);
    if (!m) return { backends, error: `Line ${i + 1}: write it as address:port` };
    backends.push({ addr: m[1] as string, port: Number(m[2]) });
  }
  if (backends.length === 0) return { backends, error: "Give at least one backend" };
  return { backends };
}

export const formatBackends = (backends: Backend[]) =>
  backends.map((b) => `${b.addr}:${b.port}`).join("\n");

/** The server's message about `backends.3.addr`, as "Line 4: …". */
export function backendsError(error: unknown): string | undefined {
  for (const [path, text] of Object.entries(formErrors(error).fields)) {
    const m = /^backends(?:\.(\d+))?/.exec(path);
    if (m) return m[1] ? `Line ${Number(m[1]) + 1}: ${text}` : text;
  }
  return undefined;
}

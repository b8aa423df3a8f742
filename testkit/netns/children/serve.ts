// The child side of the JSON-lines protocol (parent side: ../child.ts). One request per
// stdin line, `{"id": n, "cmd": "...", ...}`; one answer per request on stdout,
// `{"id": n, "ok": true, "result": ...}` or `{"id": n, "ok": false, "error": "..."}`.
// Invariants: a bad line or a throwing handler is an error answer, never a crash (once
// ready: a failure before that ends the child, so its start fails fast); the end of stdin
// (the test process went away) ends the child.
import { createInterface } from "node:readline";

export type Handler = (msg: Record<string, unknown>) => unknown;

/** The clock every tool reports in: ms since the epoch, sub-ms, comparable across processes. */
export const now = () => performance.timeOrigin + performance.now();

function write(line: object) {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

export function serve(
  handlers: Record<string, Handler>,
  onEnd: () => void = () => process.exit(0),
): { ready(info?: object): void } {
  const rl = createInterface({ input: process.stdin });
  rl.on("line", async (line) => {
    if (!line.trim()) return;
    let msg: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(line);
      if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
        throw new Error("not an object");
      msg = parsed as Record<string, unknown>;
    } catch (e) {
      write({ id: null, ok: false, error: `bad request line: ${(e as Error).message}` });
      return;
    }
    const id = typeof msg.id === "number" ? msg.id : null;
    const handler = typeof msg.cmd === "string" ? handlers[msg.cmd] : undefined;
    if (!handler) {
      write({ id, ok: false, error: `unknown command ${JSON.stringify(msg.cmd)}` });
      return;
    }
    try {
      write({ id, ok: true, result: (await handler(msg)) ?? null });
    } catch (e) {
      write({ id, ok: false, error: (e as Error).message });
    }
  });
  rl.on("close", onEnd);
  return {
    ready(info = {}) {
      process.on("uncaughtException", (e) => process.stderr.write(`uncaught: ${e.stack ?? e}\n`));
      process.on("unhandledRejection", (e) => process.stderr.write(`unhandled: ${String(e)}\n`));
      write({ ready: true, ...info });
    },
  };
}

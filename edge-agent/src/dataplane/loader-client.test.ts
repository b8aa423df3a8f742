// The client against real child processes that misbehave on purpose: a tiny
// node script stands in for the loader binary and prints what the request's cmd
// asks for. (The real helper is exercised in bpf/tests/loader.bpf.test.ts.)
import { afterEach, describe, expect, it } from "vitest";
import { LoaderClient, type LoaderResponse } from "./loader-client";

const SCRIPT = `
const out = (s) => process.stdout.write(s);
let held = null;
require("node:readline").createInterface({ input: process.stdin }).on("line", (line) => {
  const { id, cmd } = JSON.parse(line);
  const ok = (extra = {}) => out(JSON.stringify({ id, ok: true, ...extra }) + "\\n");
  switch (cmd) {
    case "garbage": return out("this is not json\\n");
    case "array": return out("[1,2,3]\\n");
    case "no-ok": return out(JSON.stringify({ id }) + "\\n");
    case "bad-id": return out(JSON.stringify({ id: 1e300, ok: true }) + "\\n");
    case "stray": out(JSON.stringify({ id: 999999, ok: true }) + "\\n"); return ok({ after: "stray" });
    case "null-id": return out(JSON.stringify({ id: null, ok: false, error: "unreadable", errno: 22 }) + "\\n");
    case "hold": held = id; return; // answered never: the next answer overtakes it
    case "chunked": { const s = JSON.stringify({ id, ok: true, big: "x".repeat(3000) }) + "\\n";
      for (let i = 0; i < s.length; i += 500) setTimeout(() => out(s.slice(i, i + 500)), i / 50); return; }
    case "long": out("y".repeat(5000) + "\\n"); return ok({ after: "long" });
    case "flood": process.stderr.write("e".repeat(1 << 20) + "\\n"); return ok();
    case "partial-exit": out('{"id":' + id + ',"ok":tr'); return process.exit(3);
    case "exit": return process.exit(4);
    default: return ok({ echo: cmd });
  }
});`;

let client: LoaderClient | null = null;
const start = (script = SCRIPT) => {
  client = LoaderClient.start(process.execPath, ["-e", script], { maxAnswerLine: 4096 });
  return client;
};
afterEach(async () => {
  await client?.close();
  client = null;
});

const error = (p: Promise<unknown>) =>
  p.then(
    () => "resolved",
    (e: Error) => e.message,
  );

describe("LoaderClient on a misbehaving child", () => {
  it("fails only the request whose answer is unreadable, and keeps serving", async () => {
    const c = start();
    const results = await Promise.all([
      error(c.call("garbage")),
      error(c.call("array")),
      error(c.call("no-ok")),
      error(c.call("bad-id")),
      c.call<{ echo: string }>("hello"),
    ]);
    expect(results.slice(0, 4)).toEqual([
      expect.stringMatching(/^garbage: unreadable answer from loader: "this is not json"/),
      expect.stringMatching(/^array: unreadable answer/),
      expect.stringMatching(/^no-ok: unreadable answer/),
      expect.stringMatching(/^bad-id: unreadable answer/),
    ]);
    expect(results[4]).toMatchObject({ ok: true, echo: "hello" });
    expect(c.unmatched).toHaveLength(4);
    expect(c.alive).toBe(true);
  });

  it("ignores an answer nobody asked for, matches by id, and null ids go to the oldest", async () => {
    const c = start();
    expect(await c.call("stray")).toMatchObject({ after: "stray" });
    expect(c.unmatched.at(-1)).toContain("999999");
    expect(await error(c.call("null-id"))).toBe("null-id: unreadable");
  });

  it("a request overtaken by a later answer is failed, not left waiting", async () => {
    const c = start();
    const [held, next] = await Promise.all([error(c.call("hold")), c.call("after")]);
    expect(held).toBe("hold: no answer from loader");
    expect(next).toMatchObject({ ok: true, echo: "after" });
  });

  it("reassembles answers split across reads and drops over-long lines", async () => {
    const c = start();
    expect(await c.call<{ big: string }>("chunked")).toMatchObject({ big: "x".repeat(3000) });
    // 5000 bytes > maxAnswerLine: that line fails the request it stands for; the
    // real answer that follows has nobody waiting and is set aside
    expect(await error(c.call("long"))).toBe(
      "long: unreadable answer from loader: (line too long)",
    );
    expect(await c.call("next")).toMatchObject({ echo: "next" });
    expect(c.unmatched.at(-1)).toContain('"after":"long"');
  });

  it("keeps a bounded tail of a stderr flood", async () => {
    const c = start();
    for (let i = 0; i < 5; i++) await c.call("flood");
    expect(c.stderr.length).toBeLessThanOrEqual(200);
    expect(c.stderr.every((s) => s.length <= 4097)).toBe(true);
  });

  it("a partial answer at exit fails that request and every pending one", async () => {
    const c = start();
    const results = await Promise.all([
      error(c.call("partial-exit")),
      error(c.call("x")),
      error(c.call("y")),
    ]);
    expect(results[0]).toMatch(/^partial-exit: unreadable answer/);
    expect(results[1]).toMatch(/loader exited|no answer/);
    expect(results[2]).toMatch(/loader exited|no answer/);
    expect(c.alive).toBe(false);
    await expect(c.call("late")).rejects.toThrow(/loader exited/);
  });

  it("a child that exits or never starts rejects calls instead of crashing", async () => {
    const c = start();
    expect(await error(c.call("exit"))).toMatch(/loader exited \(code 4/);
    const missing = LoaderClient.start("/nonexistent/patronus-loader");
    expect(await error(missing.call("now"))).toMatch(/ENOENT/);
    expect(missing.alive).toBe(false);
    const raw: LoaderResponse = await missing.raw("{}").catch((e: Error) => ({
      id: null,
      ok: false,
      error: e.message,
    }));
    expect(raw.ok).toBe(false);
  });
});

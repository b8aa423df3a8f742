// The server's one logger: JSON lines carrying the request's or job's context.
import { afterEach, describe, expect, it, vi } from "vitest";
import { log, setLogLevel, withLogContext } from "../../server/platform/log/logger";

afterEach(() => {
  vi.restoreAllMocks();
  setLogLevel("info");
});

const lines = (spy: { mock: { calls: unknown[][] } }) =>
  spy.mock.calls.map((c) => JSON.parse(String(c[0])) as Record<string, unknown>);

describe("logger", () => {
  it("writes one JSON line with the scope's context, nested scopes adding up", async () => {
    const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    await withLogContext({ requestId: "req-1", principal: "user:u1" }, async () => {
      await new Promise((r) => setTimeout(r, 1));
      await withLogContext({ orgId: "org-1" }, async () =>
        log.child({ component: "test" }).info("hello", { n: 1 }),
      );
    });
    log.info("outside");
    expect(lines(out)).toEqual([
      expect.objectContaining({
        level: "info",
        msg: "hello",
        requestId: "req-1",
        principal: "user:u1",
        orgId: "org-1",
        component: "test",
        n: 1,
      }),
      expect.not.objectContaining({ requestId: "req-1" }),
    ]);
  });

  it("sends warnings and errors to stderr, with errors as text, and drops lines below the level", () => {
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    setLogLevel("warn");
    log.info("dropped");
    log.error("failed", { error: new Error("boom\nsecond line") });
    expect(out).not.toHaveBeenCalled();
    const [line] = lines(err);
    expect(line).toMatchObject({
      level: "error",
      msg: "failed",
      error: { message: "boom\nsecond line" },
    });
    expect(String(err.mock.calls[0]![0]).trimEnd()).not.toContain("\n");
  });
});

import { describe, expect, it } from "vitest";
import { AppError } from "../../../server/platform/errors";
import { admissionGate } from "../../../server/platform/http/admission";

/** A call that runs until the test lets it finish. */
function held() {
  let finish: () => void = () => undefined;
  const done = new Promise<void>((r) => {
    finish = r;
  });
  return { fn: () => done.then(() => "ran"), finish };
}

describe("the admission gate", () => {
  it("runs at most `limit` calls and hands a finished call's slot to the first waiter", async () => {
    const gate = admissionGate({ limit: 2, waitMs: 60_000, retryAfterSeconds: 2, what: "things" });
    const a = held();
    const b = held();
    const c = held();
    const pa = gate.run(a.fn);
    const pb = gate.run(b.fn);
    const pc = gate.run(c.fn);
    await Promise.resolve();
    expect(gate.load).toEqual({ active: 2, waiting: 1 });
    a.finish();
    await expect(pa).resolves.toBe("ran");
    expect(gate.load).toEqual({ active: 2, waiting: 0 });
    b.finish();
    c.finish();
    await expect(Promise.all([pb, pc])).resolves.toEqual(["ran", "ran"]);
    expect(gate.load).toEqual({ active: 0, waiting: 0 });
  });

  it("tells a caller that waited too long to come back (503 with Retry-After), and frees its place", async () => {
    const gate = admissionGate({ limit: 1, waitMs: 1, retryAfterSeconds: 3, what: "enrollments" });
    const a = held();
    const pa = gate.run(a.fn);
    const refused = await gate.run(async () => "never").catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe("SERVICE_UNAVAILABLE");
    expect((refused as AppError).details).toEqual({ retryAfterSeconds: 3 });
    expect(gate.load).toEqual({ active: 1, waiting: 0 });
    a.finish();
    await pa;
    await expect(gate.run(async () => "next")).resolves.toBe("next");
  });

  it("turns a caller away at once when the queue is full", async () => {
    const gate = admissionGate({
      limit: 1,
      waitMs: 60_000,
      maxWaiting: 1,
      retryAfterSeconds: 2,
      what: "enrollments",
    });
    const a = held();
    const b = held();
    const pa = gate.run(a.fn);
    const pb = gate.run(b.fn);
    const refused = await gate.run(async () => "never").catch((e: unknown) => e);
    expect((refused as AppError).code).toBe("SERVICE_UNAVAILABLE");
    expect(gate.load).toEqual({ active: 1, waiting: 1 });
    a.finish();
    b.finish();
    await expect(Promise.all([pa, pb])).resolves.toEqual(["ran", "ran"]);
  });

  it("frees the slot of a call that throws", async () => {
    const gate = admissionGate({ limit: 1, waitMs: 60_000, retryAfterSeconds: 1, what: "x" });
    await expect(gate.run(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(gate.load).toEqual({ active: 0, waiting: 0 });
  });
});

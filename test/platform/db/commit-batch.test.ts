import { describe, expect, it } from "vitest";
import { commitBatcher, type Outcome } from "../../../server/platform/db/commit-batch";

/** A commit the test finishes by hand, recording the batches it was given. */
function heldCommits() {
  const batches: { key: string; items: number[]; finish: () => void }[] = [];
  const commit = (key: string, items: number[]) =>
    new Promise<Outcome<number>[]>((resolve) => {
      batches.push({
        key,
        items,
        finish: () =>
          resolve(
            items.map((n) =>
              n < 0 ? { ok: false, error: new Error(`refused ${n}`) } : { ok: true, value: n * 10 },
            ),
          ),
      });
    });
  return { batches, commit };
}

const settle = () => new Promise((r) => setTimeout(r, 20));

describe("the commit batcher", () => {
  it("gathers concurrent calls of a key into one batch and answers each its own outcome", async () => {
    const { batches, commit } = heldCommits();
    const b = commitBatcher({ maxItems: 10, gatherMs: 1, maxInFlight: 1, commit });
    const calls = [1, -2, 3].map((n) => b.submit("t", n).catch((e: Error) => e.message));
    const other = b.submit("u", 4);
    await settle();
    expect(batches.map((x) => [x.key, x.items])).toEqual([
      ["t", [1, -2, 3]],
      ["u", [4]],
    ]);
    for (const x of batches) x.finish();
    expect(await Promise.all(calls)).toEqual([10, "refused -2", 30]);
    expect(await other).toBe(40);
    expect(b.pendingKeys).toBe(0);
  });

  it("runs at most maxInFlight batches of a key; what arrives meanwhile forms the next", async () => {
    const { batches, commit } = heldCommits();
    const b = commitBatcher({ maxItems: 2, gatherMs: 1, maxInFlight: 1, commit });
    const all = [1, 2, 3, 4, 5].map((n) => b.submit("t", n));
    await settle();
    expect(batches.map((x) => x.items)).toEqual([[1, 2]]);
    batches[0]!.finish();
    await settle();
    expect(batches.map((x) => x.items)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    batches[1]!.finish();
    await settle();
    batches[2]!.finish();
    expect(await Promise.all(all)).toEqual([10, 20, 30, 40, 50]);
  });

  it("rejects every call of a batch whose commit fails, and goes on with the next", async () => {
    let first = true;
    const b = commitBatcher<number, number>({
      maxItems: 10,
      gatherMs: 1,
      maxInFlight: 1,
      commit: async (_k, items) => {
        if (first) {
          first = false;
          throw new Error("database busy");
        }
        return items.map((n) => ({ ok: true, value: n }));
      },
    });
    const failed = await Promise.allSettled([b.submit("t", 1), b.submit("t", 2)]);
    expect(failed.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    await expect(b.submit("t", 3)).resolves.toBe(3);
  });
});

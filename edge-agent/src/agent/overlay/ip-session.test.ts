import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { IpSession } from "./ip-session";

const hasIp = (() => {
  try {
    execFileSync("ip", ["-V"]);
    return true;
  } catch {
    return false;
  }
})();

// Read-only commands, so no privileges are needed: `link show` of lo succeeds silently
// (stdout is discarded), of a missing device fails.
describe.skipIf(!hasIp)("IpSession", () => {
  it("runs batches in order in one process and reports exactly the failing lines", async () => {
    const s = new IpSession();
    try {
      await s.run(["link show dev lo", "link show dev lo"]);
      await expect(
        s.run(["link show dev lo", "link show dev nosuchdev0", "link show dev lo"]),
      ).rejects.toThrow(
        /1 of 3 commands failed: link show dev nosuchdev0: Device "nosuchdev0" does not exist/,
      );
      await s.run(["link show dev lo"]); // line numbers stay in step after a failure
      const all = await Promise.allSettled([
        s.run(["link show dev nosuchdev1"]),
        s.run(["link show dev lo"]),
        s.run(["link show dev nosuchdev2"]),
      ]);
      expect(all.map((r) => r.status)).toEqual(["rejected", "fulfilled", "rejected"]);
      expect(String((all[2] as PromiseRejectedResult).reason)).toContain("nosuchdev2");
    } finally {
      s.close();
    }
  });

  it("starts again after the process went away", async () => {
    const s = new IpSession();
    await s.warm();
    s.close();
    await s.run(["link show dev lo"]);
    s.close();
  });
});

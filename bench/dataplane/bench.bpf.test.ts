// The bench must not rot: its quick mode runs every row and every row takes the path
// it names; a row declared with a path its packets do not take comes out FAILED,
// without numbers. Nothing here looks at timings.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Env, setupEnv } from "../../bpf/tests/lib/harness";
import { TCP } from "../../bpf/tests/lib/packet";
import { applyPolicy, setService } from "../../edge-agent/src/dataplane/config";
import { Nat } from "../../edge-agent/src/dataplane/constants";
import type { PathRow } from "./path";
import { runPathRow } from "./path-run";
import { PIPELINE_ROWS } from "./pipeline";
import type { BenchContext, BenchRow } from "./report";
import { client, SITE_IFACE, WAN } from "./site";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const TSX = join(ROOT, "node_modules/.bin/tsx");

let env: Env;
let tmp: string;
beforeAll(async () => {
  env = await setupEnv();
  tmp = mkdtempSync(join(tmpdir(), "pt-bench-"));
});
afterAll(async () => {
  await env?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe("data-plane bench", () => {
  it("quick mode: every row takes the path it names", async () => {
    const json = join(tmp, "quick.json");
    const res = await promisify(execFile)(
      TSX,
      ["bench/dataplane/run.ts", "--quick", "--no-iperf", "--json", json],
      { cwd: ROOT, maxBuffer: 16 << 20 },
    ).catch((e: { code?: number; stdout?: string; stderr?: string }) => e);
    const { rows } = JSON.parse(readFileSync(json, "utf8")) as { rows: BenchRow[] };
    const failed = rows.filter((r) => r.status === "FAILED");
    expect(failed.map((r) => `${r.name}: ${r.failures.join("; ")}`)).toEqual([]);
    expect((res as { code?: number }).code ?? 0).toBe(0);
    const names = rows.map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(PIPELINE_ROWS.map((r) => r.name)));
    expect(names).toEqual(expect.arrayContaining(["new flow, 64 rules, match = last candidate"]));
    for (const r of rows.filter((x) => x.group === "paths" || x.group === "rules")) {
      if (r.status === "skipped") expect(r.note).toMatch(/MAX_RULES/);
      else expect(r).toMatchObject({ status: "ok", unit: "ns/pkt" });
    }
  });

  const ctx = (): BenchContext => ({
    env,
    opts: { quick: true, iperf: false, runs: 1, repeat: 100, calls: 5 },
    selected: () => true,
    log: () => undefined,
  });
  const lbRow: PathRow = {
    name: "LB new flow, but policy has no rule for the backends",
    prog: "xdp_ingress",
    timing: "per-call",
    flows: "fresh",
    iface: SITE_IFACE,
    setup: async (dp) => {
      await applyPolicy(dp, [
        { id: 7, src: "0.0.0.0/0", dst: "10.2.0.0/16", proto: 6, action: "allow" },
      ]);
      await setService(dp, {
        vip: WAN,
        port: 80,
        proto: 6,
        backends: [{ id: 1, addr: "10.9.1.1", port: 8080 }],
      });
    },
    packet: (i) => ({ proto: "tcp", ...client(i), dst: WAN, dport: 80, flags: TCP.syn }),
    expect: {
      verdict: "XDP_PASS",
      reasons: ["lb_new"],
      state: { kind: "create", entry: { nat: Nat.dst, nat_addr: "10.9.1.1" } },
      output: () => ({ dst: "10.9.1.1", dport: 8080 }),
    },
  };

  it("a load-balancing row whose packets are default-denied is FAILED, without numbers", async () => {
    const row = await runPathRow(ctx(), "test", lbRow);
    expect(row.status).toBe("FAILED");
    expect(row.value).toBeUndefined();
    expect(row.failures).toEqual(
      expect.arrayContaining([
        "before timing: verdict XDP_DROP, expected XDP_PASS",
        "before timing: reason default_deny moved by 3, expected 0",
        "before timing: reason lb_new moved by 0, expected 3",
        "before timing: conntrack grew by 0 entries, expected 6",
      ]),
    );
  });

  it("an established row without state, or with other output bytes, is FAILED", async () => {
    const established = PIPELINE_ROWS.find((r) => r.name.startsWith("established flow"))!;
    const unprimed = await runPathRow(ctx(), "test", { ...established, prime: undefined });
    expect(unprimed.status).toBe("FAILED");
    expect(unprimed.failures.join("\n")).toMatch(/no conntrack entry for .*priming made no state/);

    const snat = PIPELINE_ROWS.find((r) => r.name.startsWith("SNAT new flow"))!;
    const wrongOut = await runPathRow(ctx(), "test", {
      ...snat,
      expect: { ...snat.expect, output: () => ({ src: "192.0.2.1" }) },
    });
    expect(wrongOut.status).toBe("FAILED");
    expect(wrongOut.failures.join("\n")).toMatch(
      /output src = 198\.51\.100\.1, expected 192\.0\.2\.1/,
    );
  });

  it("a rewriting path timed with repeat is caught after timing", async () => {
    // The kernel re-runs the rewritten buffer: from the second run on, the packet is
    // addressed to the backend, has no state and goes through policy instead.
    const lb = PIPELINE_ROWS.find((r) => r.name.startsWith("LB established"))!;
    const row = await runPathRow(ctx(), "test", { ...lb, timing: "repeat", flows: 1 });
    expect(row.status).toBe("FAILED");
    expect(row.failures.join("\n")).toMatch(/timed packets: reason tcp_no_state moved by 99/);
  });
});

import { describe, expect, it } from "vitest";
import { AppPlanError, MAX_APP_PORTS, planApps } from "./apps";
import { overlayConfig } from "./test-fixtures";
import type { OverlayClass } from "./types";

describe("planApps", () => {
  it("expands port ranges, keeps prefixes, and steers each class to its mark and DSCP", () => {
    expect(planApps(overlayConfig().classes)).toEqual([
      {
        appId: 1,
        ports: [
          { proto: 17, port: 5060 },
          { proto: 17, port: 5061 },
        ],
        prefixes: ["203.0.113.0/24"],
        steer: { mark: 0x7a000001, dscp: 46 },
      },
      { appId: 2, ports: [{ proto: 6, port: 873 }], steer: { mark: 0x7a000002 } },
      { appId: 3, steer: { mark: 0x7a000003 } },
    ]);
  });

  const cls = (id: number, match: OverlayClass["match"]): OverlayClass => ({
    id,
    name: `c${id}`,
    kind: "custom",
    match,
  });

  it("refuses more ports than the data plane's map holds, saying how many", () => {
    const big = [
      cls(1, [{ proto: "tcp", lo: 1, hi: MAX_APP_PORTS }]),
      cls(2, [{ proto: "udp", lo: 1, hi: 1 }]),
    ];
    expect(() => planApps(big)).toThrow(AppPlanError);
    expect(() => planApps(big)).toThrow(/4097 ports; the data plane holds at most 4096/);
    expect(planApps([big[0]!])[0]!.ports).toHaveLength(MAX_APP_PORTS);
  });

  it("refuses a port or prefix claimed by two classes", () => {
    expect(() =>
      planApps([
        cls(1, [{ proto: "udp", lo: 10, hi: 20 }]),
        cls(2, [{ proto: "udp", lo: 20, hi: 30 }]),
      ]),
    ).toThrow(/port udp\/20 is in classes "c1" and "c2"/);
    expect(() =>
      planApps([cls(1, [{ prefix: "10.0.0.0/8" }]), cls(2, [{ prefix: "10.0.0.0/8" }])]),
    ).toThrow(/prefix 10.0.0.0\/8/);
    expect(
      planApps([
        cls(1, [{ proto: "tcp", lo: 20, hi: 30 }]),
        cls(2, [{ proto: "udp", lo: 20, hi: 30 }]),
      ]),
    ).toHaveLength(2);
  });
});

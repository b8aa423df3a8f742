// WAN usage when the agent drives links in another network namespace (dataplane.netns):
// its own /sys/class/net cannot see them, so the counters are read with `ip -n` there.
// Real namespaces and a veth pair (root); traffic is real pings.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Netns } from "../../bpf/tests/lib/netns";
import { netnsReader, sysfsReader, UsageMeter } from "../../edge-agent/src/agent/usage";
import { rootSkipReason } from "../../testkit/skip";

const runnable = rootSkipReason() === null;
const net = new Netns();
let box = "";

beforeAll(async () => {
  if (!runnable) return;
  box = await net.add("box");
  const isp = await net.add("isp");
  await net.link([box, "wan0", "10.91.0.1/30"], [isp, "isp0", "10.91.0.2/30"]);
});
afterAll(() => net.destroy());

const ping = (ns: string, to: string) =>
  net.exec(ns, "ping", ["-c", "3", "-s", "1000", "-i", "0.2", to]);

describe.skipIf(!runnable)("usage counters in the data plane's namespace", () => {
  it("counts the WAN traffic of a link the agent's own /sys cannot see", async () => {
    expect(sysfsReader()("wan0")).toBeNull();
    const meter = new UsageMeter({
      kind: "wan",
      read: netnsReader(box),
      interfaces: () => ["wan0"],
    });
    const start = meter.sample(); // the baseline
    expect(start).toMatchObject({ rx_bytes: 0, tx_bytes: 0 });
    await ping(net.name("isp"), "10.91.0.1");
    const after = meter.sample();
    // Three echo requests in and three replies out, 1000 bytes of payload each.
    expect(after.rx_bytes).toBeGreaterThanOrEqual(3000);
    expect(after.tx_bytes).toBeGreaterThanOrEqual(3000);
  });

  it("reads nothing for an interface or a namespace that is not there", () => {
    expect(netnsReader(box)("wan9")).toBeNull();
    expect(netnsReader(net.name("nowhere"))("wan0")).toBeNull();
  });
});

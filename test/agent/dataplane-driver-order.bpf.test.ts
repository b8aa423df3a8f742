// The driver writes a link's configuration (interface config, SNAT rules, policy,
// services) before it attaches programs there, so no packet ever meets a pipeline that
// does not yet know what to translate: attached first, inside addresses would leave
// untranslated until the plan was written (first start, or maps just migrated). The
// real loader runs behind a wrapper that records the requests it receives.

import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Netns } from "../../bpf/tests/lib/netns";
import { DataplaneDriver } from "../../edge-agent/src/agent/drivers/dataplane";
import { rootSkipReason } from "../../testkit/skip";
import { deviceConfig } from "./lib/control";

const BUILD = join(import.meta.dirname, "..", "..", "bpf", "build");
const runnable = rootSkipReason({ bpf: true }) === null;
const net = new Netns();
const router = net.name("r");
const pinDir = `/sys/fs/bpf/patronus-agent-test-${randomBytes(4).toString("hex")}`;
const dir = mkdtempSync(join(tmpdir(), "pt-order-"));
const requests = join(dir, "requests.jsonl");
let driver: DataplaneDriver;

beforeAll(async () => {
  if (!runnable) return;
  await net.add("r");
  await net.add("x");
  await net.link([router, "wan0", "10.77.0.1/24"], [net.name("x"), "wan0", "10.77.0.2/24"]);
  await net.add("y");
  await net.link([router, "lan0", "192.168.77.1/24"], [net.name("y"), "lan0", "192.168.77.2/24"]);
  const wrapper = join(dir, "loader");
  writeFileSync(
    wrapper,
    `#!/bin/sh\ntee -a ${requests} | exec ${join(BUILD, "patronus-loader")}\n`,
  );
  chmodSync(wrapper, 0o755);
  driver = new DataplaneDriver({
    loaderPath: wrapper,
    bpfObject: join(BUILD, "patronus.bpf.o"),
    pinDir,
    netns: router,
    reapIntervalMs: 0,
  });
  await driver.start();
});

afterAll(async () => {
  await driver?.close();
  await net.destroy();
  rmSync(pinDir, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!runnable)("data plane driver", () => {
  it("writes the interface config and SNAT rules before attaching any program", async () => {
    await driver.apply(
      deviceConfig({ snat: { from: "192.168.77.0/24", to: "10.77.0.1" }, defaultAction: "deny" }),
    );
    const sent = readFileSync(requests, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { cmd: string; map?: string });
    const first = (pred: (r: { cmd: string; map?: string }) => boolean) => sent.findIndex(pred);
    const attach = first((r) => r.cmd.startsWith("attach_"));
    expect(attach).toBeGreaterThan(0);
    const snat = first((r) => r.map === "snat_rules" && r.cmd.startsWith("update"));
    const iface = first((r) => r.map === "if_config" && r.cmd.startsWith("update"));
    expect(snat).toBeGreaterThanOrEqual(0);
    expect(iface).toBeGreaterThanOrEqual(0);
    expect(snat).toBeLessThan(attach);
    expect(iface).toBeLessThan(attach);
  });
});

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ConfigError,
  loadConfig,
  parseConfig,
  readConfigFile,
  writeConfigFile,
} from "../../edge-agent/src/agent/config";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "patronus-config-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("agent config file", () => {
  it("fills defaults around the one required field", () => {
    expect(parseConfig({ portalUrl: "https://portal.example.com" })).toEqual({
      portalUrl: "https://portal.example.com",
      stateDir: "/var/lib/patronus",
      simulate: false,
      dataplane: {},
      health: { host: "127.0.0.1", port: 9469 },
      metrics: { host: "127.0.0.1", port: 0 },
      heartbeatSeconds: 30,
      logLevel: "info",
    });
  });

  it("keeps data-plane overrides and a disabled health endpoint", () => {
    const c = parseConfig({
      portalUrl: "http://127.0.0.1:3000",
      dataplane: { wan: "eth0", lan: "eth1", wanIngress: "generic", netns: "edge" },
      health: { port: 0 },
    });
    expect(c.dataplane).toEqual({ wan: "eth0", lan: "eth1", wanIngress: "generic", netns: "edge" });
    expect(c.health).toEqual({ host: "127.0.0.1", port: 0 });
  });

  it.each([
    [{}, /portalUrl/],
    [{ portalUrl: "ftp://x.example" }, /portalUrl: must be a URL/],
    [
      { portalUrl: "https://p.example", dataplane: { wanIngress: "fast" } },
      /dataplane\.wanIngress/,
    ],
    [
      { portalUrl: "https://p.example", dataplane: { wan: "eth0 ; rm" } },
      /dataplane\.wan: not an interface name/,
    ],
    [{ portalUrl: "https://p.example", health: { port: 70000 } }, /health\.port/],
    [{ portalUrl: "https://p.example", heartbeatSeconds: 0 }, /heartbeatSeconds/],
    [{ portalUrl: "https://p.example", logLevel: "loud" }, /logLevel/],
    [{ portalUrl: "https://p.example", portal: "typo" }, /\(top level\): Unrecognized key/],
  ])("refuses %j with a message naming the field", (json, message) => {
    expect(() => parseConfig(json, "agent.json")).toThrow(ConfigError);
    expect(() => parseConfig(json, "agent.json")).toThrow(message);
  });

  it("names the file when it is not JSON, and says how to start when it is missing", async () => {
    const bad = join(dir, "bad.json");
    await writeFile(bad, "{ portalUrl: nope");
    await expect(readConfigFile(bad)).rejects.toThrow(`${bad} is not valid JSON`);
    await expect(loadConfig(join(dir, "missing.json"))).rejects.toThrow(/enroll first/);
  });

  it("writes only what was given and reads it back", async () => {
    const path = join(dir, "agent.json");
    await writeConfigFile(path, { portalUrl: "https://p.example", simulate: true });
    expect((await readConfigFile(path))?.simulate).toBe(true);
    await expect(writeConfigFile(path, { portalUrl: "nope" })).rejects.toThrow(ConfigError);
  });
});

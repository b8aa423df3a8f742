// deploy/docker/probe.mjs, the containers' health probe: exit 0 on a 2xx answer, 1 on any
// other answer or none, 2 for a URL off loopback; it sends METRICS_TOKEN to /metrics only.
import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "./chart";

const PROBE = join(ROOT, "deploy", "docker", "probe.mjs");
const TOKEN = "probe-test-token-0123456789";

let server: Server;
let base: string;
const seen: (string | undefined)[] = [];

beforeAll(async () => {
  // /metrics as the processes serve it behind METRICS_TOKEN; /api/fleet/time open.
  server = createServer((req, res) => {
    seen.push(req.headers.authorization);
    if (req.url === "/api/fleet/time") return res.writeHead(200).end("{}");
    if (req.url !== "/metrics") return res.writeHead(404).end();
    res.writeHead(req.headers.authorization === `Bearer ${TOKEN}` ? 200 : 401).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** The probe's exit code and stderr (async: the server answers from this process). */
async function probe(url: string, env: Record<string, string> = {}) {
  const { METRICS_TOKEN: _ignored, ...rest } = process.env;
  try {
    await promisify(execFile)("node", [PROBE, url], { env: { ...rest, ...env } });
    return { code: 0, stderr: "" };
  } catch (error) {
    const e = error as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
}

describe("deploy/docker/probe.mjs", () => {
  it("passes on a 2xx answer, sending the metrics token to /metrics only", async () => {
    seen.length = 0;
    expect((await probe(`${base}/metrics`, { METRICS_TOKEN: TOKEN })).code).toBe(0);
    expect((await probe(`${base}/api/fleet/time`, { METRICS_TOKEN: TOKEN })).code).toBe(0);
    expect(seen).toEqual([`Bearer ${TOKEN}`, undefined]);
  });

  it("fails on a refused token, a missing page or no server, and never prints the token", async () => {
    const wrong = await probe(`${base}/metrics`, { METRICS_TOKEN: "not-the-token-at-all" });
    expect(wrong).toEqual({ code: 1, stderr: expect.stringContaining("answered 401") });
    expect(wrong.stderr).not.toContain("not-the-token");
    expect((await probe(`${base}/metrics`)).code).toBe(1);
    expect((await probe(`${base}/nothing`)).code).toBe(1);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect((await probe(`http://127.0.0.1:${port}/metrics`)).code).toBe(1);
  });

  it("refuses a URL off loopback (it would send the token away)", async () => {
    expect((await probe("http://10.0.0.1:9464/metrics", { METRICS_TOKEN: TOKEN })).code).toBe(2);
    expect((await probe("http://127.0.0.1.example.com/metrics")).code).toBe(2);
  });
});

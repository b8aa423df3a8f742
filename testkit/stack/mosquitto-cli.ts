// The real mosquitto_sub CLI as an attacker's client: subscribes with a device's
// certificate, calls onSubscribed once the SUBACK is in (to publish a sentinel), and
// exits after `count` messages or `timeoutS` seconds, whichever comes first.
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Credentials } from "../../edge-agent/src/agent/store";
import { type Creds, certOf } from "./mqtt";

export interface SubResult {
  /** `topic payload` lines, in order. */
  messages: string[];
  exitCode: number | null;
  output: string;
}

export async function mosquittoSub(o: {
  url: string;
  caPem: string;
  creds: Creds | Credentials;
  filters: string[];
  count: number;
  timeoutS: number;
  onSubscribed?: () => Promise<void>;
}): Promise<SubResult> {
  const dir = await mkdtemp(join(tmpdir(), "patronus-mosquitto-sub-"));
  try {
    const files = {
      ca: join(dir, "ca.pem"),
      cert: join(dir, "cert.pem"),
      key: join(dir, "key.pem"),
    };
    await writeFile(files.ca, o.caPem);
    await writeFile(files.cert, certOf(o.creds));
    await writeFile(files.key, o.creds.keyPem, { mode: 0o600 });
    const { hostname, port } = new URL(o.url);
    const args = [
      "-h",
      hostname,
      "-p",
      port,
      "--cafile",
      files.ca,
      "--cert",
      files.cert,
      "--key",
      files.key,
    ];
    args.push("-v", "-d", "-C", String(o.count), "-W", String(o.timeoutS));
    for (const f of o.filters) args.push("-t", f);
    // Line-buffered, so that "received SUBACK" shows as it happens, not at exit.
    const child = spawn("stdbuf", ["-oL", "mosquitto_sub", ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    let subscribed = false;
    let callback: Promise<void> = Promise.resolve();
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (!subscribed && output.includes("received SUBACK")) {
        subscribed = true;
        callback = o.onSubscribed?.() ?? Promise.resolve();
      }
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    // -W bounds the CLI; the kill bounds everything else.
    const killer = setTimeout(() => child.kill("SIGKILL"), (o.timeoutS + 5) * 1000);
    const exitCode = await new Promise<number | null>((resolve) => child.once("close", resolve));
    clearTimeout(killer);
    await callback;
    const messages = output
      .split("\n")
      .filter((l) => l && !/^(Client |Subscribed \(|Timed out|Error)/.test(l));
    return { messages, exitCode, output };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

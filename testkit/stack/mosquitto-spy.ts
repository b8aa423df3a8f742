// The real mosquitto_sub CLI run with a device's own files from its state directory, as
// an attacker on that box would. Unlike testkit/stack/mosquitto-cli.ts it stops on a
// sentinel rather than a message count: a device legitimately gets its own retained
// messages, once per matching filter, so how many arrive is not known in advance.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { presentedChain } from "../../edge-agent/src/agent/transport";

export interface SpyResult {
  /** Topics of the PUBLISH packets received, in order (from the -d debug lines). */
  topics: string[];
  /** `topic payload` lines, in order. */
  messages: string[];
  /** Everything mosquitto_sub printed (stdout, then stderr). */
  output: string;
}

/**
 * Subscribes with `filters`; once the SUBACK is in runs `afterSubscribe`, which must end by
 * publishing `sentinel` somewhere this device may read; stops once the sentinel arrives.
 * A broker delivers to one subscriber in the order it processed the publishes, so what it
 * processed before the sentinel and did not deliver before it, it never will.
 */
export async function spyAs(o: {
  url: string;
  stateDir: string;
  filters: string[];
  sentinel: string;
  afterSubscribe: () => Promise<void>;
  timeoutMs?: number;
}): Promise<SpyResult> {
  const { hostname, port } = new URL(o.url);
  const args = ["-h", hostname, "-p", port, "-V", "mqttv311"];
  args.push("--cafile", join(o.stateDir, "broker-ca.pem"));
  // The certificate with its org CA, as the agent presents them (mosquitto_sub reads a
  // chain file): the broker trusts only the platform root.
  const read = (name: string) => readFile(join(o.stateDir, name), "utf8");
  const chainDir = await mkdtemp(join(tmpdir(), "patronus-spy-"));
  const chain = join(chainDir, "chain.pem");
  await writeFile(
    chain,
    presentedChain({
      certPem: await read("cert.pem"),
      caPem: await read("ca.pem"),
      keyPem: "",
      brokerCaPem: "",
    }),
  );
  args.push("--cert", chain, "--key", join(o.stateDir, "key.pem"));
  args.push("-v", "-d");
  for (const f of o.filters) args.push("-t", f);
  // Line-buffered, so lines show as they happen, not at exit.
  const child = spawn("stdbuf", ["-oL", "mosquitto_sub", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  let errors = "";
  const exited = new Promise<void>((r) => child.once("close", () => r()));
  const seen = (text: string) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.stdout.off("data", check);
        reject(new Error(`mosquitto_sub: no "${text}" in ${o.timeoutMs ?? 20_000} ms:\n${output}`));
      }, o.timeoutMs ?? 20_000);
      const check = () => {
        if (!output.includes(text)) return;
        clearTimeout(timer);
        child.stdout.off("data", check);
        resolve();
      };
      child.stdout.on("data", check);
      void exited.then(() => {
        clearTimeout(timer);
        if (output.includes(text)) resolve();
        else reject(new Error(`mosquitto_sub exited before "${text}":\n${output}`));
      });
      check();
    });
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => (errors += c.toString()));
  try {
    await seen("received SUBACK");
    await o.afterSubscribe();
    await seen(o.sentinel);
  } finally {
    child.kill("SIGTERM");
    await exited;
    await rm(chainDir, { recursive: true, force: true });
  }
  const lines = output.split("\n");
  const topics = lines.flatMap((l) => /received PUBLISH \([^']*'([^']*)'/.exec(l)?.[1] ?? []);
  const messages = lines.filter((l) => l && !/^(Client |Subscribed \()/.test(l));
  return { topics, messages, output: `${output}${errors}` };
}

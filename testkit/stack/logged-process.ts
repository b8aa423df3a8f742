// A child process whose output, and the JSON log lines in it, a test can wait for, with
// every wait bounded: the fleet process (workers/fleet-broker.ts), Mosquitto.
import { type ChildProcess, spawn } from "node:child_process";
import { WAIT_MS } from "./mqtt";

export type Log = { msg: string } & Record<string, unknown>;

export type LoggedProcess = ReturnType<typeof run>;

export function run(cmd: string, args: string[], envOverrides: Record<string, string>) {
  const child = spawn(cmd, args, {
    env: { ...process.env, ...envOverrides },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const w of waiters) w();
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const logs = () =>
    output
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Log);
  const until = <T>(find: () => T | undefined, what: string) =>
    new Promise<T>((resolve, reject) => {
      const check = () => {
        const hit = find();
        if (hit === undefined) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(hit);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no ${what} in ${WAIT_MS * 3} ms:\n${output}`));
      }, WAIT_MS * 3);
      waiters.add(check);
      check();
    });
  return {
    child,
    exited,
    logs,
    output: () => output,
    /** The first log line from the `from`-th on (logs().length before an action) matching. */
    waitFor: (pred: (l: Log) => boolean, what: string, from = 0) =>
      until(() => logs().slice(from).find(pred), `"${what}" log`),
    /** Until `text` has been printed `times` times. */
    waitForText: (text: string, times = 1) =>
      until(() => (output.split(text).length > times ? true : undefined), `${times} × "${text}"`),
  };
}

/** SIGTERM, SIGKILL after WAIT_MS; the exit code. */
export async function stopProcess(child: ChildProcess, exited: Promise<number | null>) {
  if (child.exitCode !== null || child.signalCode !== null) return exited;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), WAIT_MS);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

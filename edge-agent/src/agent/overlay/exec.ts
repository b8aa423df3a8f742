// The one way the overlay runs system tools (ip, wg): argument vectors, never a shell;
// errors name the command and carry the tool's own message. Sysctls are written through
// /proc/sys directly (the agent's own network namespace, no quoting of dotted names).
import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";

export class ExecError extends Error {
  override name = "ExecError";
  constructor(
    message: string,
    readonly code: number | null,
    readonly stderr: string,
  ) {
    super(message);
  }
}

export interface RunOptions {
  /** Written to the tool's stdin (then closed). */
  input?: string;
  timeoutMs?: number;
}

const shown = (cmd: string, args: readonly string[]) => [cmd, ...args].join(" ").slice(0, 300);

export function run(cmd: string, args: readonly string[], o: RunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill("SIGKILL"), o.timeoutMs ?? 15_000);
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    child.stdin.on("error", () => undefined); // a tool that exits early closes its stdin
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new ExecError(`${cmd}: cannot run: ${e.message}`, null, ""));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString().trim();
      if (code === 0) return resolve(Buffer.concat(out).toString());
      const why = signal ? `killed by ${signal}` : `exit ${code}`;
      const detail = stderr ? `: ${stderr.split("\n").slice(0, 8).join("; ")}` : "";
      reject(new ExecError(`\`${shown(cmd, args)}\` failed (${why})${detail}`, code, stderr));
    });
    child.stdin.end(o.input ?? "");
  });
}

export const ip = (args: readonly string[]) => run("ip", args);

/** `ip -json …`, parsed; a table that does not exist yet reads as empty. */
export async function ipJson<T>(args: readonly string[]): Promise<T[]> {
  try {
    const text = await run("ip", ["-json", ...args]);
    return text.trim() ? (JSON.parse(text) as T[]) : [];
  } catch (e) {
    if (e instanceof ExecError && /FIB table does not exist/.test(e.stderr)) return [];
    throw e;
  }
}

/**
 * Many `ip` commands in one process (`ip -force -batch -`): a failover rewrites every
 * affected table in one exec. `-force` applies every line even when one fails; the
 * error then lists the failing lines.
 */
export async function ipBatch(lines: readonly string[]): Promise<void> {
  if (lines.length === 0) return;
  try {
    await run("ip", ["-force", "-batch", "-"], { input: `${lines.join("\n")}\n` });
  } catch (e) {
    if (!(e instanceof ExecError)) throw e;
    const failed = [...e.stderr.matchAll(/Command failed -:(\d+)/g)].map(
      (m) => lines[Number(m[1]) - 1],
    );
    const reasons = e.stderr
      .split("\n")
      .filter((l) => l && !l.startsWith("Command failed"))
      .slice(0, 5);
    throw new ExecError(
      `ip batch: ${failed.length} of ${lines.length} commands failed (${failed.slice(0, 5).join(" | ")}): ${reasons.join("; ")}`,
      e.code,
      e.stderr,
    );
  }
}

/** Sets a sysctl such as `net.ipv4.conf.wan0.rp_filter` (interface names may hold dots). */
export async function sysctl(parts: readonly string[], value: string | number): Promise<void> {
  const path = `/proc/sys/${parts.join("/")}`;
  try {
    await writeFile(path, `${value}\n`);
  } catch (e) {
    throw new Error(`sysctl ${parts.join(".")}=${value}: ${(e as Error).message}`);
  }
}

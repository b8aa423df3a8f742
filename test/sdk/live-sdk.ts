// What the SDK live tests share: the real REST API on loopback with an org of 120 sites and
// a key, and a child process (the SDK's own test runner) run against it, with its output
// kept to print when it fails.
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll } from "vitest";
import { apiOrg, useApiServer } from "../../testkit/api-server";

export interface Live {
  env: Record<string, string>;
}

/** Starts the API and makes the org once per file; the env the SDK tests read. */
export function useLiveApi(): Live {
  const live: Live = { env: {} };
  const api = useApiServer();
  beforeAll(async () => {
    const org = await apiOrg({ sites: 120 });
    live.env = { PATRONUS_URL: api.url, PATRONUS_API_KEY: org.token, PATRONUS_ORG: org.slug };
  }, 300_000);
  return live;
}

export interface Run {
  code: number | null;
  output: string;
}

/** Runs a command to its end (no deadline of its own: vitest's test timeout bounds it). */
export function run(
  command: string,
  args: string[],
  opts: { cwd: string; env: Record<string, string> },
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: { NODE_ENV: "test", PATH: process.env.PATH ?? "/usr/bin:/bin", ...opts.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      output += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

/** Fails with the child's whole output unless it exited 0. */
export function expectSuccess(what: string, result: Run) {
  if (result.code !== 0)
    throw new Error(`${what} exited with ${result.code}:\n${result.output.slice(-20_000)}`);
}

/**
 * A copy of an SDK in `target` whose generated files come from `generated` (another
 * document): its hand-written runtime files copied from `from`, plus `extra` files.
 */
export function sdkCopy(
  target: string,
  from: string,
  runtime: string[],
  generated: Map<string, string>,
  extra: string[] = [],
) {
  for (const rel of runtime) {
    mkdirSync(path.dirname(path.join(target, rel)), { recursive: true });
    copyFileSync(path.join(from, rel), path.join(target, rel));
  }
  for (const file of extra) copyFileSync(file, path.join(target, path.basename(file)));
  for (const [rel, text] of generated) writeFileSync(path.join(target, rel), text);
}

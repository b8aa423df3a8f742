// A portal as a process of its own (portal-main.ts: the portal's route handlers without a
// Next.js build), so that a test can SIGKILL one of several behind a balancer.
import { join } from "node:path";
import { type LoggedProcess, run, stopProcess } from "./logged-process";

const MAIN = join(import.meta.dirname, "portal-main.ts");

export interface PortalProcess {
  proc: LoggedProcess;
  port: number;
  url: string;
}

/** Starts one on `port` (0: any free one) with this environment plus `overrides`. */
export async function startPortalProcess(
  overrides: Record<string, string>,
  port = 0,
): Promise<PortalProcess> {
  const proc = run(process.execPath, ["--import", "tsx", MAIN, String(port)], overrides);
  try {
    const listening = await proc.waitFor((l) => l.msg === "portal listening", "listening");
    const url = String(listening.url);
    return { proc, url, port: Number(new URL(url).port) };
  } catch (error) {
    proc.child.kill("SIGKILL");
    throw error;
  }
}

export const stopPortalProcess = (p: PortalProcess | undefined) =>
  p ? stopProcess(p.proc.child, p.proc.exited) : undefined;

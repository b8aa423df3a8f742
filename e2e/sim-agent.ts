// A simulated box per site, installed the way an operator installs one: the site's install
// command (in a temp "root", no systemd), its config given the simulated overlay (and no
// health port: several agents run here), then `agent.mjs run` in its own process group.
// Shared by the journeys that need live agents (overlay-live, overview).
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect } from "./fixtures";

type Page = import("@playwright/test").Page;

const sh = promisify(execFile);
const LOG_DIR = path.resolve(import.meta.dirname, "..", ".test-reports");

export interface SimBox {
  label: string;
  dir: string;
  agent?: ChildProcess;
}

const boxes: SimBox[] = [];

/** Stops one box's agent (SIGTERM to its group: it says goodbye, the device goes offline). */
export function stopAgent(box: SimBox) {
  if (!box.agent?.pid) return;
  try {
    process.kill(-box.agent.pid, "SIGTERM");
  } catch {
    // already gone
  }
  box.agent = undefined;
}

/** Stops every box this process started and removes their directories (afterEach). */
export function stopAllAgents() {
  for (const box of boxes.splice(0)) {
    stopAgent(box);
    rmSync(box.dir, { recursive: true, force: true });
  }
}

export async function installAgent(page: Page, sitePath: string, label: string) {
  await page.goto(sitePath);
  await page.getByRole("button", { name: "Create install command" }).click();
  const command = await page.getByTestId("install-command").inputValue();
  const dir = mkdtempSync(path.join(tmpdir(), `patronus-${label}-`));
  const box: SimBox = { label, dir };
  boxes.push(box);
  const configPath = path.join(dir, "etc/agent.json");
  const env = {
    ...process.env,
    PATRONUS_PREFIX: path.join(dir, "opt"),
    PATRONUS_CONFIG: configPath,
    PATRONUS_STATE_DIR: path.join(dir, "state"),
    PATRONUS_SIMULATE: "1",
    PATRONUS_NO_SYSTEMD: "1",
  };
  const install = await sh("sh", ["-c", command.replace("| sudo sh", "| sh")], { env });
  expect(install.stdout).toContain("start the agent with");
  const config = JSON.parse(readFileSync(configPath, "utf8"));
  expect(config.simulate).toBe(true);
  writeFileSync(
    configPath,
    JSON.stringify({ ...config, overlay: { simulate: true }, health: { port: 0 } }, null, 2),
  );
  const log = openSync(path.join(LOG_DIR, `e2e-agent-${label}.log`), "w");
  box.agent = spawn("node", [path.join(dir, "opt/agent.mjs"), "run", "--config", configPath], {
    env,
    detached: true,
    stdio: ["ignore", log, log],
  });
  return box;
}

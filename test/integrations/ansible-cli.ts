// Running the Ansible CLIs against integrations/ansible: the collection from the checkout
// (ANSIBLE_COLLECTIONS_PATH), Debian's /usr/bin/python3 for the modules, Ansible's state
// under a temp home the caller removes, and the JSON stdout callback to read results.
import { spawn } from "node:child_process";
import path from "node:path";

export const ANSIBLE_ROOT = path.resolve(import.meta.dirname, "../../integrations/ansible");
export const COLLECTION = path.join(ANSIBLE_ROOT, "ansible_collections/patronus/sdwan");

export interface AnsibleRun {
  command: string;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of an Ansible child: nothing from ~/.ansible, no colours, no prompts. */
export function ansibleEnv(home: string, extra: Record<string, string> = {}) {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith("ANSIBLE_") && !k.startsWith("PATRONUS_")) env[k] = v;
  return {
    ...env,
    ANSIBLE_COLLECTIONS_PATH: ANSIBLE_ROOT,
    ANSIBLE_PYTHON_INTERPRETER: "/usr/bin/python3",
    ANSIBLE_HOME: home,
    ANSIBLE_LOCAL_TEMP: path.join(home, "tmp"),
    ANSIBLE_REMOTE_TMP: path.join(home, "remote-tmp"),
    ANSIBLE_NOCOLOR: "1",
    ANSIBLE_FORCE_COLOR: "0",
    ANSIBLE_HOST_KEY_CHECKING: "False",
    ANSIBLE_RETRY_FILES_ENABLED: "False",
    ANSIBLE_DEPRECATION_WARNINGS: "False",
    ANSIBLE_INVENTORY_UNPARSED_WARNING: "False",
    ANSIBLE_LOCALHOST_WARNING: "False",
    ...extra,
  };
}

/** Runs one Ansible command to its end (never throws on a non-zero exit). */
export function runAnsible(
  cmd: string,
  args: string[],
  env: Record<string, string>,
  cwd: string,
): Promise<AnsibleRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: env as NodeJS.ProcessEnv,
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({ command: [cmd, ...args].join(" "), code, stdout, stderr }),
    );
  });
}

/** The run's output, for a failure message. */
export function shown(run: AnsibleRun) {
  return `$ ${run.command}\n(exit ${run.code})\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
}

/** Throws with the child's whole output unless it exited 0. */
export function succeeded(run: AnsibleRun) {
  if (run.code !== 0) throw new Error(`Ansible failed\n${shown(run)}`);
  return run;
}

export interface TaskResult {
  changed?: boolean;
  failed?: boolean;
  msg?: string;
  diff?: { before: unknown; after: unknown } | { before: unknown; after: unknown }[];
  [key: string]: unknown;
}

export interface PlaybookResult {
  /** Per host: ok, changed, failures, ... (the recap). */
  stats: Record<string, { changed: number; failures: number; ok: number }>;
  /** Each task's result on localhost, by task name. */
  tasks: Record<string, TaskResult>;
}

/** Reads the json stdout callback's document. */
export function playbookResult(run: AnsibleRun): PlaybookResult {
  const start = run.stdout.indexOf("{");
  let doc: {
    plays: { tasks: { task: { name: string }; hosts: Record<string, TaskResult> }[] }[];
    stats: PlaybookResult["stats"];
  };
  try {
    doc = JSON.parse(run.stdout.slice(start));
  } catch {
    throw new Error(`not the json callback's output\n${shown(run)}`);
  }
  const tasks: Record<string, TaskResult> = {};
  for (const play of doc.plays)
    for (const t of play.tasks) if (t.hosts.localhost) tasks[t.task.name] = t.hosts.localhost;
  return { stats: doc.stats, tasks };
}

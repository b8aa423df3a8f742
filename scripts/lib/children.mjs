// Supervises the long-running children (portal, worker). Each runs in its own process
// group so that stopping it also stops what it spawned: `npx next start` leaves a
// next-server behind when only its own pid is killed.
import { spawn } from "node:child_process";
import { pipeWithPrefix } from "./log.mjs";
import { stopGroups } from "./proc.mjs";

export class Supervisor {
  // Every group ever started: a group can outlive its leader, so exited children count too.
  #groups = [];
  #stopping = false;

  /** @param onUnexpectedExit called with (label, code, signal, error) if a child dies. */
  constructor(onUnexpectedExit) {
    this.onUnexpectedExit = onUnexpectedExit;
  }

  /** `onStart(pid)` lets the caller record the new process group. */
  start(label, color, command, args, { env, cwd, onStart = () => {} }) {
    const child = spawn(command, args, {
      env,
      cwd,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    if (child.pid) {
      this.#groups.push(child.pid);
      onStart(child.pid);
    }
    pipeWithPrefix(child.stdout, label, color, process.stdout);
    pipeWithPrefix(child.stderr, label, color, process.stderr);
    child.on("error", (err) => {
      if (!this.#stopping) this.onUnexpectedExit(label, null, null, err);
    });
    child.on("exit", (code, signal) => {
      if (!this.#stopping) this.onUnexpectedExit(label, code, signal);
    });
    return child;
  }

  /** Stops every child's process group (SIGTERM, then SIGKILL after `graceMs`). */
  async stopAll(graceMs = 10_000) {
    this.#stopping = true;
    await stopGroups(this.#groups, graceMs);
  }
}

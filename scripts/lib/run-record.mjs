// Remembers the process groups of the current run in .data/run.json. The children run in
// their own groups (so that stopping them is reliable), which also means they survive if
// this script is killed with SIGKILL; the record lets the next run clean them up instead
// of failing on "port 3000 in use" with no clue why.
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { info, StartError } from "./log.mjs";
import { stopGroups } from "./proc.mjs";

const recordFile = (dataRoot) => join(dataRoot, "run.json");

export class RunRecord {
  #groups = [];

  constructor(dataRoot) {
    this.dataRoot = dataRoot;
  }

  /** Adds a process group, by its leader's pid. */
  add(pgid) {
    if (!pgid) return;
    this.#groups.push(pgid);
    mkdirSync(this.dataRoot, { recursive: true });
    const record = { pid: process.pid, groups: this.#groups };
    writeFileSync(recordFile(this.dataRoot), `${JSON.stringify(record)}\n`);
  }

  /** Removes the record, if it is ours (a refused second run must not remove the first's). */
  clear() {
    if (this.#groups.length) rmSync(recordFile(this.dataRoot), { force: true });
  }
}

/**
 * True if some live process in group `pgid` works in `root`. A group's leader may be gone
 * while members live on (next-server outlives `npm exec`), and checking the directory
 * keeps us from signalling an unrelated group that reuses the number. Linux (/proc) only.
 */
function groupLivesIn(pgid, root) {
  if (!existsSync("/proc")) return false;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // After "pid (comm) ": state, ppid, pgrp, ...; comm may contain spaces, hence ")".
      const pgrp = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
      if (pgrp === pgid && readlinkSync(`/proc/${entry}/cwd`) === root) return true;
    } catch {
      // The process exited while we looked, or is not ours to inspect.
    }
  }
  return false;
}

function isStartScript(pid) {
  if (pid === process.pid) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("start.mjs");
  } catch {
    return false;
  }
}

/**
 * Stops the groups left by an earlier run that died without cleaning up. Refuses to run
 * alongside a live `npm start` in the same checkout unless `allowLive`.
 */
export async function cleanUpStaleRun(root, dataRoot, { allowLive = false } = {}) {
  const file = recordFile(dataRoot);
  if (!existsSync(file)) return;
  let record = {};
  try {
    record = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    // Unreadable: treat as empty.
  }
  if (isStartScript(record.pid) && !allowLive) {
    throw new StartError(`npm start is already running in this checkout (pid ${record.pid}).`);
  }
  const stale = (record.groups ?? []).filter((pgid) => groupLivesIn(pgid, root));
  if (stale.length) {
    info(`stopping ${stale.length} process group(s) left by an earlier run`);
    await stopGroups(stale);
  }
  rmSync(file, { force: true });
}

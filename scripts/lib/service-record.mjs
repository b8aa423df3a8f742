// Which local servers this checkout's `npm start` started or adopted, in .data/services.json:
// { postgres: { dataDir, pid, port }, redis: { dir, pid, port } }. Shutdown and
// --stop-services stop what this record names and nothing else, and only after checking
// that the pid still runs from the recorded directory: a server another checkout (or
// anybody) runs is never signalled, whatever directory or port it uses.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { processRunsIn } from "./proc.mjs";

const recordFile = (dataRoot) => join(dataRoot, "services.json");

function readAll(dataRoot) {
  const file = recordFile(dataRoot);
  if (!existsSync(file)) return {};
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8"));
    return parsed && typeof parsed === "object" ? parsed : {};
  } catch {
    // Unreadable (e.g. cut short by a crash): as if nothing were recorded.
    return {};
  }
}

function writeAll(dataRoot, all) {
  const file = recordFile(dataRoot);
  if (!Object.keys(all).length) {
    rmSync(file, { force: true });
    return;
  }
  mkdirSync(dataRoot, { recursive: true });
  // Rename, so a crash mid-write never leaves half a record behind.
  writeFileSync(`${file}.tmp`, `${JSON.stringify(all, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

/** Remembers server `name` ("postgres", "redis") as this checkout's. */
export function remember(dataRoot, name, entry) {
  writeAll(dataRoot, { ...readAll(dataRoot), [name]: entry });
}

export function forget(dataRoot, name) {
  const { [name]: _gone, ...rest } = readAll(dataRoot);
  writeAll(dataRoot, rest);
}

/**
 * The recorded server `name` if its pid is still a `binary` process working in `dir`
 * (`dirKey` names the entry's directory field). A dead pid, or one reused by another
 * program, means a previous run crashed: the entry is dropped and null returned.
 */
export function recorded(dataRoot, name, binary, dirKey) {
  const entry = readAll(dataRoot)[name];
  if (!entry) return null;
  if (processRunsIn(entry.pid, entry[dirKey], binary)) return entry;
  forget(dataRoot, name);
  return null;
}

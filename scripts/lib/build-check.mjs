// Decides whether `next build` must run: when .next/BUILD_ID is missing, when a file the
// build reads is newer than it, or when the set of those files changed (a deleted or
// renamed file leaves no newer mtime behind, so the list used by the last build is kept
// in .data/build-inputs.json).
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

// What the portal build reads, scanned recursively.
const SOURCE_DIRS = ["app", "server", "protocol", "public", "prisma/schema"];
// Prisma's generated client is rewritten by `prisma generate` on every start; it is a pure
// function of prisma/schema/ and the Prisma version (package-lock.json), listed below.
const IGNORED_DIRS = ["server/platform/db/generated"];
const CONFIG_FILES = [
  "next.config.ts",
  "next.config.mjs",
  "next.config.js",
  "tsconfig.json",
  "postcss.config.mjs",
  "postcss.config.js",
  "package.json",
  "package-lock.json",
  "proxy.ts",
  "middleware.ts",
  "instrumentation.ts",
];

const recordFile = (dataRoot) => join(dataRoot, "build-inputs.json");

/** Returns { needed, reason, inputs }; pass `inputs` to recordBuild() after building. */
export function buildStatus(root, dataRoot) {
  const inputs = buildInputs(root);
  const buildId = join(root, ".next", "BUILD_ID");
  if (!existsSync(buildId)) return { needed: true, reason: "no previous build", inputs };
  const previous = readRecord(dataRoot);
  if (!previous) return { needed: true, reason: "no record of the last build's inputs", inputs };
  if (previous.join("\n") !== inputs.join("\n")) {
    return { needed: true, reason: "files were added or removed since the last build", inputs };
  }
  const builtAt = statSync(buildId).mtimeMs;
  const newer = inputs.find((file) => statSync(join(root, file)).mtimeMs > builtAt);
  return newer
    ? { needed: true, reason: `${newer} changed since the last build`, inputs }
    : { needed: false, reason: "the build in .next is up to date", inputs };
}

export function recordBuild(dataRoot, inputs) {
  writeFileSync(recordFile(dataRoot), `${JSON.stringify(inputs, null, 1)}\n`);
}

function readRecord(dataRoot) {
  try {
    const list = JSON.parse(readFileSync(recordFile(dataRoot), "utf8"));
    return Array.isArray(list) ? list : null;
  } catch {
    return null;
  }
}

/** Sorted paths, relative to root, of every file the build reads. */
function buildInputs(root) {
  const files = CONFIG_FILES.filter((file) => existsSync(join(root, file)));
  for (const dir of SOURCE_DIRS) {
    if (existsSync(join(root, dir))) files.push(...walk(root, join(root, dir)));
  }
  return files.sort();
}

function walk(root, dir) {
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const rel = relative(root, path);
    if (entry.isDirectory() && !IGNORED_DIRS.includes(rel)) files.push(...walk(root, path));
    else if (entry.isFile()) files.push(rel);
  }
  return files;
}

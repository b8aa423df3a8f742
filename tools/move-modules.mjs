#!/usr/bin/env node
// Moves TypeScript modules and rewrites every import of them (dev tool, not part of the product).
//
//   node tools/move-modules.mjs moves.txt [--dry]
//
// moves.txt holds one move a line, `from -> to`, a file or a folder (ending in "/"); the first
// line that matches a path wins, so put files before the folder that holds them. Every tracked
// .ts/.tsx/.mts/.mjs file's relative and "@/" specifiers (import, export, import(), vi.mock,
// require) are resolved against the old tree and written again for the new one, keeping the
// specifier's style (extension omitted, folder index, alias). Files move with `git mv`.
// Paths inside other strings (a script path handed to tsx, say) are not rewritten: grep for them.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const [movesFile, flag] = process.argv.slice(2);
if (!movesFile) {
  console.error("usage: node tools/move-modules.mjs moves.txt [--dry]");
  process.exit(2);
}
const dry = flag === "--dry";
const rules = readFileSync(movesFile, "utf8")
  .split("\n")
  .map((l) => l.replace(/#.*/, "").trim())
  .filter(Boolean)
  .map((l) => {
    const [from, to] = l.split(/\s*->\s*/);
    if (!from || !to) throw new Error(`bad line: ${l}`);
    return { from, to };
  });

const files = execFileSync("git", ["ls-files"], { encoding: "utf8" }).split("\n").filter(Boolean);
const tracked = new Set(files);

function moved(file) {
  for (const { from, to } of rules) {
    if (from.endsWith("/") ? file.startsWith(from) : file === from) {
      return from.endsWith("/") ? to + file.slice(from.length) : to;
    }
  }
  return file;
}

const EXTS = [".ts", ".tsx", ".mts", ".mjs", ".js", ".json"];
/** The tracked file a specifier names, and how it was named ("exact", "ext", "index"). */
function resolveSpec(target) {
  if (tracked.has(target)) return { file: target, how: "exact" };
  for (const ext of EXTS) if (tracked.has(target + ext)) return { file: target + ext, how: "ext" };
  for (const ext of EXTS) {
    const index = `${target}/index${ext}`;
    if (tracked.has(index)) return { file: index, how: "index" };
  }
  return null;
}

const SPEC =
  /(?<=\b(?:from|import|require|mock|importActual|doMock)\s*\(?\s*)(["'])((?:\.{1,2}\/|\.\.?(?=["'])|@\/)[^"']*)\1/g;
const stripExt = (p) => p.replace(/\.(tsx?|mts|mjs|js|json)$/, "");

let rewritten = 0;
for (const file of files) {
  if (!/\.(tsx?|mts|mjs)$/.test(file) || !existsSync(file)) continue; // deleted, not yet committed
  const source = readFileSync(file, "utf8");
  const newFile = moved(file);
  const out = source.replace(SPEC, (whole, quote, spec) => {
    const alias = spec.startsWith("@/");
    const target = alias
      ? spec.slice(2)
      : path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
    const hit = resolveSpec(target);
    if (!hit) return whole;
    const newTarget = moved(hit.file);
    if (newTarget === hit.file && newFile === file) return whole;
    let to = newTarget;
    if (hit.how === "ext") to = stripExt(newTarget);
    if (hit.how === "index")
      to = /\/index\.[a-z]+$/.test(newTarget) ? path.posix.dirname(newTarget) : stripExt(newTarget);
    let next;
    if (alias) next = `@/${to}`;
    else {
      next = path.posix.relative(path.posix.dirname(newFile), to) || ".";
      if (!next.startsWith(".")) next = `./${next}`;
    }
    return `${quote}${next}${quote}`;
  });
  if (out !== source) {
    rewritten++;
    if (!dry) writeFileSync(file, out);
  }
}

// Paths named in text (comments, docs, configs, script arguments): a token that starts at a
// word boundary with a moved folder's first segment is mapped like a file or folder.
const roots = [...new Set(rules.map((r) => r.from.split("/")[0]))].join("|");
const MENTION = new RegExp(`(?<![\\w@./-])(?:${roots})/[\\w./\\-]*[\\w/]`, "g");
function mapMention(token) {
  const hit = resolveSpec(token.replace(/\/$/, ""));
  if (hit && hit.how !== "index") {
    const to = moved(hit.file);
    return hit.how === "ext" ? stripExt(to) : to;
  }
  const folder = token.endsWith("/") ? token : `${token}/`;
  for (const { from, to } of rules) {
    if (from.endsWith("/") && folder.startsWith(from)) {
      const mapped = to + folder.slice(from.length);
      return token.endsWith("/") ? mapped : mapped.slice(0, -1);
    }
  }
  return token;
}
let mentions = 0;
for (const file of files) {
  if (
    !/\.(tsx?|mts|mjs|cjs|js|json|md|sh|prisma|sql|yml|yaml|toml|example|tmpl)$|(^|\/)\.[\w.-]+$/.test(
      file,
    )
  )
    continue;
  if (file.endsWith("package-lock.json") || !existsSync(file)) continue;
  const source = readFileSync(file, "utf8");
  const out = source.replace(MENTION, (token) => mapMention(token));
  if (out !== source) {
    mentions++;
    if (!dry) writeFileSync(file, out);
  }
}

let moves = 0;
for (const file of files) {
  const to = moved(file);
  if (to === file) continue;
  moves++;
  if (dry) {
    console.log(`${file} -> ${to}`);
    continue;
  }
  if (existsSync(to)) throw new Error(`${to} exists already`);
  mkdirSync(path.dirname(to), { recursive: true });
  execFileSync("git", ["mv", file, to]);
}
console.log(
  `${moves} file(s) moved, ${rewritten} file(s) with rewritten imports, ${mentions} with rewritten mentions${dry ? " (dry run)" : ""}`,
);

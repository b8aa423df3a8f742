// Docs stay true: every link in docs/ and the READMEs points at a file (and heading) of this
// repository, and every repository path they name in backticks exists. Nothing links outside.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const TOP = [
  "app",
  "server",
  "protocol",
  "edge-agent",
  "bpf",
  "prisma",
  "workers",
  "scripts",
  "tools",
  "test",
  "e2e",
  "bench",
  "docs",
  "public",
  "integrations",
  "sdk",
  "cli",
];

function docs() {
  const out = execFileSync("git", ["ls-files", "-co", "--exclude-standard", "*.md"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  return out.split("\n").filter((f) => f && !f.startsWith("node_modules/"));
}

/** GitHub-style anchors of a markdown file's headings. */
function anchors(file: string) {
  const text = readFileSync(path.join(ROOT, file), "utf8");
  return new Set(
    [...text.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) =>
      (m[1] as string)
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, "")
        .replace(/\s/g, "-"),
    ),
  );
}

/** A build output (git-ignored): named by docs, absent on a fresh clone until built. */
function ignored(named: string) {
  try {
    execFileSync("git", ["check-ignore", "-q", "--no-index", named], { cwd: ROOT });
    return true;
  } catch {
    return false;
  }
}

/** Problems of one markdown file: dead or outside links, named paths that do not exist. */
function problemsOf(file: string, text: string): string[] {
  const problems: string[] = [];
  const prose = text.replace(/```[\s\S]*?```/g, "");
  for (const m of prose.matchAll(/\[[^\]]*\]\(([^)\s]+)\)/g)) {
    const target = m[1] as string;
    if (/^[a-z]+:/i.test(target)) {
      problems.push(`${file}: links outside the repository: ${target}`);
      continue;
    }
    const [rel, anchor] = target.split("#") as [string, string | undefined];
    const resolved = rel
      ? path.posix.normalize(path.posix.join(path.posix.dirname(file), rel))
      : file;
    if (resolved.startsWith("../")) continue; // ../shared/ beside the checkout
    if (!existsSync(path.join(ROOT, resolved))) problems.push(`${file}: dead link ${target}`);
    else if (anchor && resolved.endsWith(".md") && !anchors(resolved).has(anchor))
      problems.push(`${file}: no heading #${anchor} in ${resolved}`);
  }
  for (const m of prose.matchAll(/`([^`\s]+)`/g)) {
    const named = (m[1] as string).replace(/[),.:;]+$/, "").replace(/:\d+(-\d+)?$/, "");
    const top = named.split("/")[0] as string;
    if (!named.includes("/") || !TOP.includes(top)) continue;
    if (/[*<>{}$]|\.\.\./.test(named)) continue; // a pattern or a placeholder, not a path
    if (!existsSync(path.join(ROOT, named)) && !ignored(named))
      problems.push(`${file}: names ${named}, which does not exist`);
  }
  return problems;
}

describe("docs and READMEs", () => {
  it("link only to files and headings that exist, and name only paths that exist", () => {
    const files = docs();
    expect(files.length).toBeGreaterThan(5);
    const problems = files.flatMap((f) => problemsOf(f, readFileSync(path.join(ROOT, f), "utf8")));
    expect(problems).toEqual([]);
  });

  it("catch a dead link, an outside link, a missing heading and a missing path, not a build output", () => {
    expect(
      problemsOf(
        "docs/x.md",
        [
          "[a](fleet.md) [b](missing.md) [c](https://example.org)",
          "[d](fleet.md#no-such-heading) `server/platform/env.ts` `server/nowhere.ts`",
          // git-ignored outputs are absent on a fresh clone (CI runs this before the build)
          "`bpf/build/never-built.o` `dist/never-built/agent.mjs`",
        ].join("\n"),
      ),
    ).toEqual([
      "docs/x.md: dead link missing.md",
      "docs/x.md: links outside the repository: https://example.org",
      "docs/x.md: no heading #no-such-heading in docs/fleet.md",
      "docs/x.md: names server/nowhere.ts, which does not exist",
    ]);
  });
});

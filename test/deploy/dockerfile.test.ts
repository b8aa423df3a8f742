// deploy/docker/Dockerfile, read as text: docker itself cannot run on the machines the
// tests run on (no daemon), so the essentials are checked here, and the images were never
// built by these tests (docs/deploy.md says so). Each process's target starts the entry
// point its npm script runs, as a numeric non-root user, from a pinned Node image whose
// version package.json accepts, with production dependencies only and a health check on an
// endpoint the process serves.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import pkg from "../../package.json";
import { DOCKERFILE, ROOT } from "./chart";

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  name: string;
  from: string;
  body: Instruction[];
}

/** Instructions (continuations joined, comments dropped), cut into stages. */
function parseDockerfile(text: string) {
  const instructions = text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"))
    .map((line) => {
      const [op = "", ...rest] = line.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(" ") };
    });
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const i of instructions) {
    if (i.op === "ARG" && stages.length === 0) {
      const [name, value = ""] = i.args.split("=");
      args.set(name as string, value);
    } else if (i.op === "FROM") {
      const [from = "", , name = ""] = i.args.split(/\s+/);
      stages.push({ name, from, body: [] });
    } else stages.at(-1)?.body.push(i);
  }
  return { args, stages };
}

const { args, stages } = parseDockerfile(readFileSync(DOCKERFILE, "utf8"));
const stage = (name: string) => stages.find((s) => s.name === name);
/** A stage and the stages it is built on, nearest first. */
function lineage(name: string): Stage[] {
  const s = stage(name);
  return s ? [s, ...lineage(s.from)] : [];
}
/** The last value of an instruction along a stage's lineage. */
const last = (name: string, op: string) =>
  lineage(name)
    .flatMap((s) => s.body.filter((i) => i.op === op).reverse())
    .at(0)?.args;
const exec = (json: string | undefined) => JSON.parse(json ?? "[]") as string[];

// biome-ignore lint/suspicious/noTemplateCurlyInString: the Dockerfile's own syntax
const BASE_ARG = "${NODE_IMAGE}";

/** Each process: its target, the npm script that runs it, its port in the image. */
const PROCESSES = [
  { target: "portal", script: "portal", port: "3000" },
  { target: "worker", script: "worker", port: "9464" },
  { target: "fleet", script: "fleet", port: "9465" },
] as const;

describe("deploy/docker/Dockerfile", () => {
  it("builds every stage from one pinned Node image that package.json accepts", () => {
    const image = args.get("NODE_IMAGE") ?? "";
    const match = /^node:(\d+)\.(\d+)\.(\d+)-bookworm-slim(@sha256:[0-9a-f]{64})?$/.exec(image);
    expect(match, `NODE_IMAGE=${image} names an exact version`).toBeTruthy();
    const [major, minor] = [Number(match?.[1]), Number(match?.[2])];
    const [needMajor, needMinor] = (/>=(\d+)\.(\d+)/.exec(pkg.engines.node) ?? [])
      .slice(1)
      .map(Number);
    expect(
      major > (needMajor as number) || (major === needMajor && minor >= (needMinor as number)),
    ).toBe(true);
    const names = stages.map((s) => s.name);
    for (const s of stages) {
      const fromImage = s.from === BASE_ARG;
      expect(fromImage || names.indexOf(s.from) < names.indexOf(s.name), s.name).toBe(true);
    }
  });

  it.each(PROCESSES)("runs $target as its npm script does, non-root, with a health check", (p) => {
    const cmd = exec(last(p.target, "CMD"));
    expect(cmd.slice(0, 3)).toEqual(["node", "--import", "tsx"]);
    const entry = cmd[3] as string;
    expect(existsSync(join(ROOT, entry)), entry).toBe(true);
    expect(pkg.scripts[p.script]).toBe(`tsx ${entry}`);
    const user = last(p.target, "USER") ?? "";
    expect(user, `${p.target} USER`).toMatch(/^[1-9]\d*(:\d+)?$/);
    expect(last(p.target, "EXPOSE")?.split(" ")).toContain(p.port);
    const check = last(p.target, "HEALTHCHECK") ?? "";
    const probe = exec(check.slice(check.indexOf("CMD ") + 4));
    expect(probe.slice(0, 2)).toEqual(["node", "deploy/docker/probe.mjs"]);
    expect(new URL(probe[2] as string).port).toBe(p.port);
  });

  it("ships production dependencies only, and the lock's npm settings", () => {
    const npmCi = (name: string) =>
      stage(name)?.body.find((i) => i.op === "RUN" && i.args.includes("npm ci"));
    expect(npmCi("prod-deps")?.args).toContain("npm ci --omit=dev");
    for (const name of ["build-deps", "prod-deps"])
      expect(stage(name)?.body.find((i) => i.op === "COPY")?.args).toContain(".npmrc");
    const modules = stages
      .flatMap((s) => s.body)
      .filter((i) => i.op === "COPY" && i.args.includes("node_modules"));
    expect(modules.map((i) => i.args)).toEqual([
      "--from=prod-deps /app/node_modules ./node_modules",
    ]);
  });

  it("copies only files the repository has or the build makes", () => {
    const built = [".next", "dist/agent", "node_modules"];
    for (const copy of stages.flatMap((s) => s.body).filter((i) => i.op === "COPY")) {
      const parts = copy.args.split(/\s+/).filter((a) => !a.startsWith("--"));
      for (const source of parts.slice(0, -1)) {
        const path = source.replace(/^\/app\//, "");
        if (path === "." || built.includes(path)) continue;
        expect(existsSync(join(ROOT, path)), path).toBe(true);
      }
    }
  });

  it("keeps local state and secrets out of the build context", () => {
    const ignored = readFileSync(join(ROOT, ".dockerignore"), "utf8").split("\n");
    for (const path of ["node_modules", ".next", ".data", ".env", ".git"])
      expect(ignored).toContain(path);
  });
});

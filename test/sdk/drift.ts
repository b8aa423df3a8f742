// The drift check the SDK tests share: a generator's files, made in memory from the checked-in
// sdk/openapi.json, against the files checked in beside it.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

export const SDK = path.resolve(import.meta.dirname, "../../sdk");

export function openApiDocument(): unknown {
  return JSON.parse(readFileSync(path.join(SDK, "openapi.json"), "utf8"));
}

/** The generated files whose checked-in copy is missing or differs. */
export function drifted(dir: string, files: Map<string, string>): string[] {
  return [...files]
    .filter(([rel, text]) => {
      const file = path.join(SDK, dir, rel);
      return !existsSync(file) || readFileSync(file, "utf8") !== text;
    })
    .map(([rel]) => `sdk/${dir}/${rel}`);
}

export const HINT = "differs from sdk/openapi.json: run npm run sdk:generate";

export const FIXTURES = path.join(import.meta.dirname, "fixtures");

/** The hand-written document with the shapes that break naive generators. */
export function trickyDocument(): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(FIXTURES, "tricky.openapi.json"), "utf8"));
}

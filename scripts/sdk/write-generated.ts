// Writes one SDK's generated files, made from sdk/openapi.json by its generator
// (sdk/generators/), under the SDK's folder. Generated names are stable, so a file once
// written is never orphaned.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const root = path.join(import.meta.dirname, "..", "..");

export function writeGenerated(dir: string, generate: (document: unknown) => Map<string, string>) {
  const document = JSON.parse(readFileSync(path.join(root, "sdk", "openapi.json"), "utf8"));
  for (const [rel, text] of generate(document)) {
    const file = path.join(root, dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    console.log(`wrote ${path.join(dir, rel)}`);
  }
}

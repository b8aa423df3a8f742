// Bundles the edge agent's CLI into one ESM file that needs only Node 20 on a site box:
// dist/agent/patronus-agent.mjs (served by the portal as /api/fleet/agent.mjs), or --outfile.
// mqtt, zod, @peculiar/x509 and reflect-metadata are bundled; the eBPF object and the
// loader helper are separate files (bpf/build), looked up next to the bundle under bpf/.
import { chmod, mkdir } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({ options: { outfile: { type: "string" } } });
const outfile = resolve(values.outfile ?? join(root, "dist", "agent", "patronus-agent.mjs"));

await mkdir(dirname(outfile), { recursive: true });
const result = await build({
  entryPoints: [join(root, "edge-agent", "src", "agent", "cli.ts")],
  outfile,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  // CommonJS dependencies call require() for Node built-ins; give the ESM bundle one.
  banner: {
    js: [
      "#!/usr/bin/env node",
      'import { createRequire as __patronusCreateRequire } from "node:module";',
      "const require = __patronusCreateRequire(import.meta.url);",
    ].join("\n"),
  },
  // ws's optional native speed-ups: required inside try/catch, absent is fine.
  external: ["bufferutil", "utf-8-validate"],
  // Whitespace and syntax only: identifiers stay, so stack traces from a site stay readable.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: "none",
  logLevel: "warning",
  metafile: true,
});
await chmod(outfile, 0o755);
const bytes = Object.values(result.metafile.outputs)[0]?.bytes ?? 0;
console.log(`built ${outfile} (${(bytes / 1024).toFixed(0)} KiB)`);

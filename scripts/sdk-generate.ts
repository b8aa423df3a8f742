// `npm run sdk:generate`: the OpenAPI document from the code, then every SDK from the
// document. One line a step, run in order; a failing step stops the run. The drift tests
// (test/sdk/*-drift.test.ts) fail until this has been run after an API change.
import { execFileSync } from "node:child_process";
import path from "node:path";

const STEPS: { name: string; command: string[] }[] = [
  { name: "OpenAPI document", command: ["npx", "tsx", "scripts/openapi.ts"] },
  { name: "TypeScript SDK", command: ["npx", "tsx", "scripts/sdk/typescript.ts"] },
  { name: "Python SDK", command: ["npx", "tsx", "scripts/sdk/python.ts"] },
  { name: "Go SDK", command: ["npx", "tsx", "scripts/sdk/go.ts"] },
];

const root = path.join(import.meta.dirname, "..");
for (const step of STEPS) {
  console.log(`== ${step.name}: ${step.command.join(" ")}`);
  const [bin, ...args] = step.command as [string, ...string[]];
  execFileSync(bin, args, { cwd: root, stdio: "inherit" });
}

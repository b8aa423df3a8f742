// Adds up the runners' JSON reports into the closing line of `npm test`:
//   "tests: N passed, N failed, N skipped"
// A step that failed without a report of its own (typecheck, lint, a build) counts as one
// failure, so the line never reads green when the run was not. Exits 1 on any failure.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

const [dir, ...failedSteps] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;

for (const name of ["vitest.json", "vitest-bpf.json"]) {
  const file = path.join(dir, name);
  if (!existsSync(file)) continue;
  const r = JSON.parse(readFileSync(file, "utf8"));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + r.numTodoTests;
}
const e2e = path.join(dir, "e2e.json");
if (existsSync(e2e)) {
  const { stats } = JSON.parse(readFileSync(e2e, "utf8"));
  passed += stats.expected + stats.flaky;
  failed += stats.unexpected;
  skipped += stats.skipped;
}
const unreported = failedSteps.filter(
  (s) => !["unit + integration", "bpf data plane", "e2e"].includes(s),
);
failed += unreported.length;

console.log();
if (failedSteps.length) console.log(`failed steps: ${failedSteps.join(", ")}`);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || failedSteps.length > 0 ? 1 : 0);

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
/** What failed, one line each, repeated at the very end where a truncated log still shows it. */
const failures = [];
const firstLine = (text) =>
  String(text ?? "")
    .split("\n")
    .find((l) => l.trim()) ?? "";

for (const name of ["vitest.json", "vitest-bpf.json"]) {
  const file = path.join(dir, name);
  if (!existsSync(file)) continue;
  const r = JSON.parse(readFileSync(file, "utf8"));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + r.numTodoTests;
  for (const file of r.testResults ?? []) {
    const where = path.relative(process.cwd(), file.name);
    const tests = (file.assertionResults ?? []).filter((t) => t.status === "failed");
    for (const t of tests)
      failures.push(`${where} › ${t.fullName}: ${firstLine(t.failureMessages?.[0]).slice(0, 300)}`);
    if (tests.length === 0 && file.status === "failed")
      failures.push(`${where}: ${firstLine(file.message).slice(0, 300)}`);
  }
}
const e2e = path.join(dir, "e2e.json");
if (existsSync(e2e)) {
  const { stats } = JSON.parse(readFileSync(e2e, "utf8"));
  passed += stats.expected + stats.flaky;
  failed += stats.unexpected;
  skipped += stats.skipped;
  const walk = (suite, titles) => {
    for (const spec of suite.specs ?? [])
      for (const test of spec.tests ?? [])
        if (test.status === "unexpected") {
          const error = test.results?.at(-1)?.error?.message;
          failures.push(
            `${spec.file} › ${[...titles, spec.title].join(" › ")}: ${firstLine(error).slice(0, 300)}`,
          );
        }
    for (const child of suite.suites ?? []) walk(child, [...titles, child.title]);
  };
  for (const suite of JSON.parse(readFileSync(e2e, "utf8")).suites ?? []) walk(suite, []);
}
const unreported = failedSteps.filter(
  (s) => !["unit + integration", "bpf data plane", "e2e"].includes(s),
);
failed += unreported.length;

console.log();
for (const f of failures) console.log(`FAILED ${f}`);
for (const step of ["unit + integration", "bpf data plane", "e2e"])
  if (failedSteps.includes(step) && failures.length === 0)
    console.log(
      `${step} failed with every test passing: an unhandled error or a runner failure (see its log above)`,
    );
if (failedSteps.length) console.log(`failed steps: ${failedSteps.join(", ")}`);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || failedSteps.length > 0 ? 1 : 0);

// Data-plane benchmark (root): `npx tsx bench/dataplane/run.ts [--quick] [--no-iperf]
// [--only <substring>] [--json <file>]`. Prints a table per row group and, with --json,
// every row (median, spread, ratio, target, path checks). Targets are reported, never
// asserted; a row whose packets did not take the path it names is FAILED, has no
// numbers, and makes the run exit 1.
import { writeFileSync } from "node:fs";
import { cpus, release } from "node:os";
import { parseArgs } from "node:util";
import { setupEnv } from "../../bpf/tests/lib/harness";
import { MAX_RULES } from "../../edge-agent/src/dataplane/constants";
import { iperfGroup } from "./iperf";
import { mapsGroup } from "./maps";
import { pipelineGroup } from "./pipeline";
import {
  type BenchContext,
  type BenchOptions,
  type BenchRow,
  formatRows,
  type RowGroup,
} from "./report";
import { rulesGroup } from "./rules";

/** The registry: groups run in this order. A new bench joins with one line here. */
const GROUPS: RowGroup[] = [pipelineGroup, rulesGroup, mapsGroup, iperfGroup];

const USAGE = "usage: run.ts [--quick] [--no-iperf] [--only <substring>] [--json <file>]";

function options(argv: string[]): BenchOptions & { json?: string } {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean", default: false },
      "no-iperf": { type: "boolean", default: false },
      only: { type: "string" },
      json: { type: "string" },
    },
  });
  const quick = values.quick ?? false;
  return {
    quick,
    iperf: !values["no-iperf"],
    only: values.only?.toLowerCase(),
    json: values.json,
    runs: quick ? 1 : 5,
    repeat: quick ? 10_000 : 1_000_000,
    calls: quick ? 50 : 3000,
  };
}

async function runBench(opts: BenchOptions): Promise<BenchRow[]> {
  const env = await setupEnv();
  const ctx: BenchContext = {
    env,
    opts,
    selected: (group, row) => !opts.only || `${group} ${row}`.toLowerCase().includes(opts.only),
    log: (msg) => process.stderr.write(`  ${msg}\n`),
  };
  const rows: BenchRow[] = [];
  try {
    for (const g of GROUPS) {
      const got = await g.run(ctx);
      if (!got.length) continue;
      console.log(`\n${g.title}\n`);
      console.log(formatRows(got));
      rows.push(...got);
    }
  } finally {
    await env.close();
  }
  return rows;
}

function parseOrExit(argv: string[]) {
  try {
    return options(argv);
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

const opts = parseOrExit(process.argv.slice(2));
console.log(
  `ns/packet via BPF_PROG_TEST_RUN: median of ${opts.runs} run(s); repeat rows ${opts.repeat.toLocaleString("en-US")} repeats per run, per-call rows ${opts.calls} calls per run (median call). Ratio = row / bare program timed the same way, per run, bare interleaved before each row run.`,
);
const rows = await runBench(opts);
const failed = rows.filter((r) => r.status === "FAILED");
if (opts.json) {
  const meta = {
    date: new Date().toISOString(),
    kernel: release(),
    cpu: cpus()[0]?.model,
    ncpus: cpus().length,
    MAX_RULES,
    ...opts,
  };
  writeFileSync(opts.json, `${JSON.stringify({ meta, rows }, null, 2)}\n`);
}
console.log(
  failed.length
    ? `\n${failed.length} row(s) FAILED their path check: ${failed.map((r) => r.name).join("; ")}`
    : `\nAll ${rows.filter((r) => r.status === "ok").length} measured rows took the path they name.`,
);
process.exitCode = failed.length ? 1 : 0;

// Runs one declared row: set up, prime, check the path with a few single packets, time
// it interleaved with the bare baseline (bare, row, bare, row, ...), then check the path
// again over all the timed packets. A wrong path before or after timing gives a FAILED
// row without numbers.
import type { Env } from "../../bpf/tests/lib/harness";
import type { Dataplane, TestRunResult } from "../../edge-agent/src/dataplane/dataplane";
import type { CtEntry } from "../../edge-agent/src/dataplane/flows";
import { checkPacket, checkVerdict, comparePath, ctEntry, SKB_CTX_SIZE, snapshot } from "./check";
import {
  describeExpect,
  frameOf,
  isBare,
  isTc,
  keyOf,
  type PathRow,
  type Prog,
  VERDICTS,
} from "./path";
import type { BenchContext, BenchOptions, BenchRow } from "./report";
import { spread } from "./stats";

const CHECK_PACKETS = 3;
const ctxFor = (prog: Prog) => (isTc(prog) ? Buffer.alloc(SKB_CTX_SIZE) : undefined);
const int = (n: number) => n.toLocaleString("en-US");
const flowCount = (row: PathRow) => (row.flows === "fresh" ? 0 : (row.flows ?? 1));

/** Sends the priming packets of every flow; returns each flow's primed entry. */
async function prime(dp: Dataplane, row: PathRow): Promise<(CtEntry | undefined)[]> {
  const primed: (CtEntry | undefined)[] = [];
  const [first, ...rest] = row.prime ?? [];
  for (let f = 0; f < flowCount(row) && first; f++) {
    const key = keyOf(first.packet(f));
    await dp.testRun(first.prog, frameOf(first.packet(f)), 1, ctxFor(first.prog));
    const made = await ctEntry(dp, key);
    for (const p of rest) await dp.testRun(p.prog, frameOf(p.packet(f, made)), 1, ctxFor(p.prog));
    primed[f] = await ctEntry(dp, key);
  }
  return primed;
}

/** One row on its data plane: its packets (flow j, frame) and the path probes. */
class RowBench {
  private frames = new Map<number, Buffer>();
  private next = 0; // next packet index; for fresh rows, the next new flow
  readonly flows: number;
  readonly baseProg: Prog;

  private constructor(
    readonly row: PathRow,
    readonly dp: Dataplane,
    readonly bare: Dataplane,
    private readonly primed: (CtEntry | undefined)[],
  ) {
    this.flows = flowCount(row);
    this.baseProg = row.baseline ?? (isTc(row.prog) ? "tc_bare" : "xdp_bare");
  }

  static async open(env: Env, row: PathRow): Promise<RowBench> {
    const bare = await env.bare();
    if (isBare(row.prog)) return new RowBench(row, bare, bare, []);
    const dp = await env.fresh(row.iface ?? {});
    await row.setup?.(dp);
    return new RowBench(row, dp, bare, await prime(dp, row));
  }

  private get probed() {
    return !isBare(this.row.prog);
  }

  /** The flows of the next n packets (fresh: new ones; else reused round robin). */
  take(n: number): number[] {
    const out = Array.from({ length: n }, (_, j) =>
      this.flows ? (this.next + j) % this.flows : this.next + j,
    );
    this.next += n;
    return out;
  }

  key = (flow: number) => keyOf(this.row.packet(flow, this.primed[flow]));

  frame(flow: number): Buffer {
    const cached = this.frames.get(flow);
    if (cached) return cached;
    const f = frameOf(this.row.packet(flow, this.primed[flow]));
    if (this.flows) this.frames.set(flow, f);
    return f;
  }

  /** Runs `send` between a snapshot and the comparison of the path over `flows`. */
  async around(flows: number[], send: () => Promise<{ sent: number[]; total: number }>) {
    if (!this.probed) {
      await send();
      return [];
    }
    const keys = flows.map(this.key);
    const slot = this.row.iface?.slot ?? 0;
    const before = await snapshot(this.dp, slot, keys);
    const { sent, total } = await send();
    const after = await snapshot(this.dp, slot, keys);
    return comparePath(this.dp, this.row.expect, before, after, keys, sent, total);
  }

  async checkPacket(flow: number, input: Buffer, res: TestRunResult): Promise<string[]> {
    const entry = this.probed ? await ctEntry(this.dp, this.key(flow)) : undefined;
    return checkPacket(this.row.prog, this.row.expect, input, res, entry);
  }

  run(dp: Dataplane, prog: Prog, frame: Buffer, repeat = 1) {
    return dp.testRun(prog, frame, repeat, ctxFor(prog));
  }
}

/** A few single packets, each checked (verdict, output, mark), then counters and state. */
async function checkBefore(b: RowBench): Promise<string[]> {
  const flows = b.take(CHECK_PACKETS);
  const watched = [...new Set(flows)];
  const failures: string[] = [];
  failures.push(
    ...(await b.around(watched, async () => {
      for (const f of flows)
        failures.push(
          ...(await b.checkPacket(f, b.frame(f), await b.run(b.dp, b.row.prog, b.frame(f)))),
        );
      return { sent: watched.map((w) => flows.filter((f) => f === w).length), total: flows.length };
    })),
  );
  return failures;
}

/** Timed runs, bare first in each; then the same path checks over every timed packet. */
async function timeRuns(b: RowBench, opts: BenchOptions) {
  const values: number[] = [];
  const baselines: number[] = [];
  const failures: string[] = [];
  const pass = (x: TestRunResult) =>
    x.retval === (isTc(b.baseProg) ? VERDICTS.TC_ACT_OK : VERDICTS.XDP_PASS);
  // Hit rows watch every flow; fresh rows are checked by their totals.
  const watched = Array.from({ length: b.flows }, (_, f) => f);
  const sent = watched.map(() => 0);
  let total = 0;
  const timeOne = async () => {
    if (b.row.timing === "repeat") {
      const input = b.frame(0);
      const base = await b.run(b.bare, b.baseProg, input, opts.repeat);
      const v = await b.run(b.dp, b.row.prog, input, opts.repeat);
      failures.push(...(await b.checkPacket(0, input, v)));
      if (!pass(base)) failures.push(`baseline ${b.baseProg} returned ${base.retval}`);
      sent[0]! += opts.repeat;
      total += opts.repeat;
      return [base.duration, v.duration];
    }
    const flows = b.take(opts.calls);
    const frames = flows.map((f) => b.frame(f));
    const base = await Promise.all(frames.map((f) => b.run(b.bare, b.baseProg, f)));
    const v = await Promise.all(frames.map((f) => b.run(b.dp, b.row.prog, f)));
    // Output bytes were checked before timing; every timed call's verdict and mark here.
    const wrong = v.map((x) => checkVerdict(b.row.prog, b.row.expect, x)).filter((m) => m.length);
    if (wrong.length)
      failures.push(`${wrong.length} of ${v.length} calls: ${wrong[0]!.join("; ")}`);
    if (!base.every(pass)) failures.push(`baseline ${b.baseProg} did not pass every call`);
    for (const f of flows) if (b.flows) sent[f]!++;
    total += flows.length;
    const med = (xs: TestRunResult[]) => spread(xs.map((x) => x.duration)).median;
    return [med(base), med(v)];
  };
  failures.push(
    ...(await b.around(watched, async () => {
      for (let r = 0; r < opts.runs; r++) {
        const [base, v] = await timeOne();
        baselines.push(base!);
        values.push(v!);
      }
      return { sent, total };
    })),
  );
  return { values, baselines, failures };
}

function failed(base: BenchRow, failures: string[], when: string): BenchRow {
  const uniq = [...new Set(failures)];
  const shown = uniq.slice(0, 12).map((f) => `${when}: ${f}`);
  if (uniq.length > 12) shown.push(`${when}: ... ${uniq.length - 12} more`);
  return { ...base, status: "FAILED", failures: shown };
}

export async function runPathRow(
  ctx: BenchContext,
  group: string,
  row: PathRow,
): Promise<BenchRow> {
  const { opts } = ctx;
  const base: BenchRow = {
    group,
    name: row.name,
    status: "ok",
    unit: "ns/pkt",
    timing: row.timing === "repeat" ? `repeat ${int(opts.repeat)}` : `per call x${int(opts.calls)}`,
    checks: [
      ...describeExpect(row),
      `checked on ${CHECK_PACKETS} single packets before timing, and over every timed packet after`,
    ],
    failures: [],
    note: row.note,
  };
  if (row.timing === "repeat" && (row.flows === "fresh" || row.expect.state.kind === "create"))
    return failed(base, ["a state-creating path cannot be timed with repeat"], "declaration");
  const b = await RowBench.open(ctx.env, row);
  const pre = await checkBefore(b);
  if (pre.length) return failed(base, pre, "before timing");
  const t = await timeRuns(b, opts);
  if (t.failures.length) return failed(base, t.failures, "timed packets");
  const ratio = spread(t.values.map((v, i) => v / t.baselines[i]!));
  return {
    ...base,
    value: spread(t.values),
    baseline: { name: b.baseProg, value: spread(t.baselines) },
    ratio,
    target: row.target && { text: row.target.text, met: ratio.median <= row.target.maxRatio },
  };
}

/** Runs the selected rows of a group one after the other. */
export async function runRows(ctx: BenchContext, group: string, rows: PathRow[]) {
  const out: BenchRow[] = [];
  for (const r of rows.filter((x) => ctx.selected(group, x.name))) {
    ctx.log(r.name);
    out.push(await runPathRow(ctx, group, r));
  }
  return out;
}

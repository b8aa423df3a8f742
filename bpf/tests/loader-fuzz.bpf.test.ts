// Property test of the helper's protocol: thousands of seeded random and mutated
// lines (reproducible: the seed is fixed) go to a real helper over a raw pipe; every
// line must get exactly one answer line that is valid UTF-8 and valid JSON, bad
// requests must answer ok:false, ids must be echoed by the documented rule, and
// the helper must still serve a good request afterwards.
import { spawn } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBpffs, ensureBuilt, LOADER, OBJ } from "./lib/harness";

beforeAll(() => {
  ensureBuilt();
  ensureBpffs();
});

/** Sends every line at once and returns the raw answer lines and the exit code. */
async function converse(lines: Buffer[]): Promise<{ answers: Buffer[]; code: number | null }> {
  const child = spawn(LOADER, [], { stdio: ["pipe", "pipe", "ignore"] });
  const out: Buffer[] = [];
  child.stdout.on("data", (d: Buffer) => out.push(d));
  const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
  child.stdin.on("error", () => undefined);
  for (const l of lines) child.stdin.write(Buffer.concat([l, Buffer.from("\n")]));
  child.stdin.end();
  const code = await closed;
  const all = Buffer.concat(out);
  const answers: Buffer[] = [];
  for (let start = 0, nl = all.indexOf(10); nl !== -1; start = nl + 1, nl = all.indexOf(10, start))
    answers.push(all.subarray(start, nl));
  return { answers, code };
}

function rng(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    // xorshift32: small, seedable, good enough to pick mutations
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s % n;
  };
}

const SEEDS = [
  '{"id":1,"cmd":"lookup","name":"main","map":"counters","key":"00000000"}',
  '{"id":2,"cmd":"update","name":"main","map":"backends","key":"01000000","value":"0a00000100500100"}',
  '{"id":3,"cmd":"dump","name":"main","map":"services","limit":10}',
  '{"id":4,"cmd":"test_run","name":"main","prog":"tc_egress","data":"000000000000000000000000080045"}',
  '{"id":5,"cmd":"update_batch","name":"main","map":"steering","entries":[["01000000","0100000001010000"]]}',
  '{"id":6,"cmd":"expire","name":"main","map":"conntrack","field":0,"before":"100","batch":16}',
  '{"id":7,"cmd":"delete","name":"main","map":"app_ports","keys":["06000050"]}',
  '{"id":8,"cmd":"now"}',
  '{"id":9,"cmd":"clear","name":"main","map":"app_ports"}',
];

// Fragments that break parsers: numbers JSON does not have, escapes, NUL and
// control characters, and (as hex) byte sequences that are not UTF-8.
const NASTY = [
  ...[
    ...'{}[]":,\\-+.eE019 \t\r\u0000\u0001\u007f',
    ...["\\u", "\\ud800", "\\udc00", "\\u0000", "\\x", "1e400", "-1e400", "-nan", "NaN"],
    ...["Infinity", "0x10", "01", "1.", "-0", "9007199254740993", "null", "true", "é", "😀"],
  ].map((s) => Buffer.from(s)),
  ...["ff", "c3", "e282", "eda080", "f4908080", "c0af"].map((h) => Buffer.from(h, "hex")),
];

const IDS = [
  "1e400",
  "-nan",
  "NaN",
  "-0",
  "1.5",
  "9007199254740992",
  '"x"',
  "{}",
  "[]",
  "null",
  "42",
  "-42",
  "1e2",
  `1${"0".repeat(400)}`,
];

function generate(count: number, seed: number): Buffer[] {
  const r = rng(seed);
  const lines: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const kind = r(10);
    let line: Buffer;
    if (kind < 6) {
      // a valid request with a few fragments inserted, deleted or replaced
      const parts = [...Buffer.from(SEEDS[r(SEEDS.length)]!)].map((b) => Buffer.from([b]));
      for (let k = 0; k < 1 + r(5); k++) {
        const at = r(parts.length);
        const op = r(3);
        const frag = NASTY[r(NASTY.length)]!;
        if (op === 0) parts.splice(at, 1);
        else if (op === 1) parts.splice(at, 0, frag);
        else parts[at] = frag;
      }
      line = Buffer.concat(parts);
    } else if (kind < 8) {
      // a well-formed request with an odd id
      const seed = SEEDS[r(SEEDS.length)]!.replace(/"id":\d+/, `"id":${IDS[r(IDS.length)]}`);
      line = Buffer.from(seed);
    } else if (kind < 9) {
      // random bytes
      line = Buffer.from(Array.from({ length: r(200) }, () => r(256)));
    } else {
      // deep or wide structures
      const n = 1 + r(200);
      line = Buffer.from(
        r(2)
          ? `${"[".repeat(n)}${"]".repeat(r(2) ? n : 0)}`
          : `{"id":${i},"a":[${"0,".repeat(n)}0]}`,
      );
    }
    lines.push(Buffer.from(line.filter((b) => b !== 10))); // one line each
  }
  return lines;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** What JavaScript makes of a request line; undefined when it is not JSON at all. */
function jsParse(line: Buffer): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(utf8.decode(line)) };
  } catch {
    return undefined;
  }
}

describe("loader protocol property", () => {
  it("answers 4000 random and mutated lines with one valid JSON line each", async () => {
    const load = Buffer.from(JSON.stringify({ id: 0, cmd: "load", name: "main", path: OBJ }));
    const lines = generate(4000, 0x5eed);
    const good = Buffer.from('{"id":777,"cmd":"now"}');
    const { answers, code } = await converse([load, ...lines, good]);

    expect(answers).toHaveLength(lines.length + 2);
    expect(JSON.parse(answers[0]!.toString())).toMatchObject({ id: 0, ok: true });
    const problems: string[] = [];
    lines.forEach((line, i) => {
      const raw = answers[i + 1]!;
      let res: { id: unknown; ok: unknown; error?: unknown };
      try {
        res = JSON.parse(utf8.decode(raw));
      } catch {
        problems.push(
          `line ${i}: answer is not UTF-8 JSON: ${raw.toString("latin1").slice(0, 200)}`,
        );
        return;
      }
      if (typeof res.ok !== "boolean" || (res.id !== null && !Number.isSafeInteger(res.id)))
        problems.push(`line ${i}: malformed answer ${raw}`);
      const js = jsParse(line);
      if (!js && res.ok !== false) problems.push(`line ${i}: not JSON but ok: ${line}`);
      const ours = !(typeof res.error === "string" && res.error.startsWith("invalid JSON"));
      const v = js?.value as { id?: unknown } | null | undefined;
      if (js && ours && typeof v === "object" && v !== null && !Array.isArray(v)) {
        const want = Number.isSafeInteger(v.id) ? v.id : null;
        if (res.id !== want)
          problems.push(`line ${i}: id ${JSON.stringify(v.id)} answered ${res.id}`);
      }
    });
    expect(problems.slice(0, 10)).toEqual([]);
    expect(JSON.parse(answers.at(-1)!.toString())).toMatchObject({ id: 777, ok: true });
    expect(code).toBe(0);
  });
});

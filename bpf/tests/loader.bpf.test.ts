// The helper must answer every line, never crash, and report errno text.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LoaderClient } from "../../edge-agent/src/dataplane/loader-client";
import { type Env, LOADER, OBJ, setupEnv } from "./lib/harness";

let env: Env;
beforeAll(async () => {
  env = await setupEnv();
  await env.fresh();
});
afterAll(() => env?.close());

const BAD_LINES = [
  "",
  "not json",
  "{",
  "[1,2,3]",
  '{"id":5}',
  '{"id":6,"cmd":42}',
  '{"id":7,"cmd":"update","name":"main","map":"conntrack","key":"zz","value":"00"}',
  '{"id":8,"cmd":"lookup","name":"main","map":"nope","key":"00"}',
  '{"id":9,"cmd":"lookup","name":"ghost","map":"conntrack","key":"00"}',
  '{"id":10,"cmd":"test_run","name":"main","prog":"xdp_ingress","data":""}',
  '{"id":11,"cmd":"attach_xdp","name":"main","prog":"xdp_ingress","ifname":"does-not-exist0"}',
  '{"id":12,"cmd":"load","name":"x","path":"/nonexistent.o"}',
  `{"id":13,"cmd":"${"a".repeat(100000)}"}`,
  `${"[".repeat(1000)}`,
  '{"id":14,"cmd":"update_batch","name":"main","map":"backends","entries":[[1,2]]}',
  '{"id":15,"cmd":"dump","name":"main","map":"policy_log"}',
  '{"id":16,"cmd":"attach_tc","name":"main","prog":"tc_egress","ifname":"lo","dir":"sideways"}',
  '{"id":17,"cmd":"detach_xdp","ifname":"lo","netns":"no-such-ns"}',
  '{"id":18,"cmd":"ringbuf_read","name":"main","map":"conntrack"}',
];

describe("loader robustness", () => {
  it.each(BAD_LINES.filter((l) => l.length > 0).map((l) => [l.slice(0, 60), l]))(
    "answers %s with an error",
    async (_s, line) => {
      const res = await env.loader.raw(line);
      expect(res.ok).toBe(false);
      expect(typeof res.error).toBe("string");
    },
  );

  it("reports errno text from the kernel", async () => {
    await expect(
      env.loader.call("lookup", { name: "main", map: "if_config", key: "ffffffff" }),
    ).rejects.toThrow(/No such file or directory/);
  });

  it("per-CPU lookups return one slot per possible CPU", async () => {
    const res = await env.loader.call<{ value: string }>("lookup", {
      name: "main",
      map: "counters",
      key: "00000000",
    });
    const { ncpus } = await env.loader.call<{ ncpus: number }>("now");
    expect(res.value.length / 2).toBe(16 * ncpus);
    expect(env.loader.alive).toBe(true);
  });

  it("survives 3000 randomly mutated request lines", async () => {
    let seed = 12345;
    const r = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const valid = [
      '{"id":1,"cmd":"lookup","name":"main","map":"counters","key":"00000000"}',
      '{"id":2,"cmd":"update","name":"main","map":"backends","key":"01000000","value":"00000000000000000000ffff0a00000100500100"}',
      '{"id":3,"cmd":"dump","name":"main","map":"services"}',
      '{"id":4,"cmd":"test_run","name":"main","prog":"tc_egress","data":"000000000000000000000000080045"}',
      '{"id":5,"cmd":"update_batch","name":"main","map":"steering","entries":[["01000000","0100000001010000"]]}',
    ];
    const alphabet = '{}[]":,0123456789abcdefxyz\\ ';
    for (let i = 0; i < 3000; i++) {
      const chars = [...valid[r(valid.length)]!];
      for (let k = 0; k < 1 + r(6); k++) {
        const at = r(chars.length);
        const op = r(3);
        if (op === 0) chars.splice(at, 1);
        else if (op === 1) chars.splice(at, 0, alphabet[r(alphabet.length)]!);
        else chars[at] = alphabet[r(alphabet.length)]!;
      }
      const res = await env.loader.raw(chars.join("").replace(/\n/g, ""));
      expect(typeof res.ok).toBe("boolean");
    }
    expect(env.loader.alive).toBe(true);
  });

  it("a restarted helper reuses the pinned maps, so state survives", async () => {
    const key = "07000000";
    const value = "00000000000000000000ffff0a00000700500100"; // struct backend: ::ffff:10.0.0.7, port 80, valid
    await env.loader.call("update", { name: "main", map: "backends", key, value });
    const second = LoaderClient.start(LOADER);
    try {
      await second.call("load", { name: "again", path: OBJ, pin: `${env.pinRoot}/main` });
      const res = await second.call<{ value: string }>("lookup", {
        name: "again",
        map: "backends",
        key,
      });
      expect(res.value).toBe(value);
      await second.call("unload", { name: "again", keep: true }); // the first helper still owns them
    } finally {
      await second.close();
    }
  });
});

// The helper must answer every line with valid JSON, never crash, bound every
// size, report errno text, and apply batches all-or-nothing or say how far it got.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DP_LAYOUT_VERSION,
  MAX_BACKENDS,
  MAX_SERVICES,
} from "../../edge-agent/src/dataplane/constants";
import { PutManyError } from "../../edge-agent/src/dataplane/dataplane";
import { LoaderClient, LoaderError } from "../../edge-agent/src/dataplane/loader-client";
import { BARE_OBJ, type Env, LOADER, OBJ, setupEnv } from "./lib/harness";

let env: Env;
beforeAll(async () => {
  env = await setupEnv();
  await env.fresh();
});
afterAll(() => env?.close());

const BAD_LINES = [
  "",
  "   ",
  "not json",
  "{",
  "[1,2,3]",
  '"just a string"',
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
  `${'{"a":'.repeat(100)}1${"}".repeat(100)}`,
  '{"id":14,"cmd":"update_batch","name":"main","map":"backends","entries":[[1,2]]}',
  '{"id":15,"cmd":"dump","name":"main","map":"policy_log"}',
  '{"id":16,"cmd":"attach_tc","name":"main","prog":"tc_egress","ifname":"lo","dir":"sideways"}',
  '{"id":17,"cmd":"detach_xdp","ifname":"lo","netns":"no-such-ns"}',
  '{"id":18,"cmd":"ringbuf_read","name":"main","map":"conntrack"}',
  '{"id":19,"cmd":"attach_xdp","name":"main","prog":"xdp_ingress","ifname":"lo","mode":"turbo"}',
  '{"id":20,"cmd":"lookup","name":"main","map":"counters","key":"+0000000"}',
];

describe("loader robustness", () => {
  it.each(BAD_LINES.map((l) => [JSON.stringify(l.slice(0, 60)), l]))(
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
});

describe("strict JSON", () => {
  // Not JSON (RFC 8259), though other parsers accept some of them.
  const INVALID = [
    '{"id":-nan,"cmd":"now"}',
    '{"id":NaN,"cmd":"now"}',
    '{"id":Infinity,"cmd":"now"}',
    '{"id":-Infinity,"cmd":"now"}',
    '{"id":01,"cmd":"now"}',
    '{"id":1.,"cmd":"now"}',
    '{"id":.5,"cmd":"now"}',
    '{"id":+1,"cmd":"now"}',
    '{"id":0x10,"cmd":"now"}',
    '{"id":1e,"cmd":"now"}',
    '{"id":1,"cmd":"now",}',
    '{"id":[1,],"cmd":"now"}',
    '{"id":1,"id":2,"cmd":"now"}',
    '{"id":1,"cmd":"now"} x',
    "{'id':1,'cmd':'now'}",
    '{"id":1,"cmd":"n\tow"}',
    '{"id":1,"cmd":"now\\ud800"}',
    '{"id":1,"cmd":"now\\udc00\\ud800"}',
    '{"id":1,"cmd":"now\\u0000"}',
    '{"id":1,"cmd":"now\\x41"}',
    '{"id":1,"cmd":"now"}\u0000',
    `{"id":1,"cmd":"now","n":${"1".repeat(600)}}`,
    `{${Array.from({ length: 65 }, (_, i) => `"k${i}":0`).join(",")},"cmd":"now"}`,
  ];
  it.each(INVALID)("rejects %s", async (line) => {
    const res = await env.loader.raw(line);
    expect(res).toMatchObject({ id: null, ok: false, errno: 22 });
    expect(res.error).toMatch(/^invalid JSON at byte \d+: /);
  });

  it("rejects invalid UTF-8 and overlong forms", async () => {
    for (const bad of ["ff", "c0af", "eda080", "f4908080", "e282"]) {
      const line = Buffer.concat([
        Buffer.from('{"id":1,"cmd":"now","x":"'),
        Buffer.from(bad, "hex"),
        Buffer.from('"}'),
      ]);
      const res = await env.loader.raw(line);
      expect(res.error, bad).toMatch(/invalid UTF-8/);
    }
  });

  // Echoed only when an integer JavaScript holds exactly; the request still runs.
  it.each([
    ["1e400", null],
    ["-1e400", null],
    ["1e-400", 0],
    ["-0", 0],
    ["1.5", null],
    ["1E2", 100],
    ["9007199254740991", 9007199254740991],
    ["-9007199254740991", -9007199254740991],
    ["9007199254740992", null],
    [`1${"0".repeat(300)}`, null],
    ['"7"', null],
    ['{"a":1}', null],
    ["[7]", null],
    ["null", null],
    ["true", null],
  ])("id %s answers id %s", async (id, want) => {
    const res = await env.loader.raw(`{"id":${id},"cmd":"now"}`);
    expect(res).toMatchObject({ id: want, ok: true });
  });

  it("quotes input in errors as valid JSON and UTF-8", async () => {
    const res = await env.loader.raw('{"id":3,"cmd":"é\\ud83d\\ude00\\u001f\\"\\\\"}');
    expect(res.error).toBe("unknown cmd 'é😀\u001f\"\\': Invalid argument");
    // cut inside a multi-byte character by the 512-byte message buffer
    const long = await env.loader.raw(
      `{"id":4,"cmd":"load","name":"u","path":"/${"é".repeat(1000)}"}`,
    );
    expect(long.ok).toBe(false);
    expect(long.error).toMatch(/^open \/é+\ufffd$/);
  });

  it("answers a line over 64 MiB without reading it whole, then serves the next", async () => {
    const huge = `{"id":1,"cmd":"now","pad":"${"x".repeat(64 << 20)}"}`;
    const res = await env.loader.raw(huge);
    expect(res).toMatchObject({ id: null, ok: false, errno: 7 });
    expect(res.error).toMatch(/longer than 67108864 bytes/);
    expect((await env.loader.call("now")).ok).toBe(true);
  });
});

describe("bounds", () => {
  const call = (cmd: string, args: Record<string, unknown>) =>
    env.loader.call(cmd, { name: "main", ...args }).then(
      () => "ok",
      (e: LoaderError) => e.message,
    );
  const frame = "00".repeat(60);

  it.each(["0", "10000001", "1e400", "4294967297", "-1", "1.5", '"5"', "null", "true"])(
    "test_run repeat %s is refused with the range",
    async (repeat) => {
      const res = await env.loader.raw(
        `{"id":1,"cmd":"test_run","name":"main","prog":"xdp_ingress","data":"${frame}","repeat":${repeat}}`,
      );
      expect(res.error).toMatch(/^repeat must be an integer in 1\.\.10000000/);
    },
  );

  it.each([-1, 1.5, null, "10", 4294967296])("dump limit %s is refused", async (limit) => {
    expect(await call("dump", { map: "services", limit })).toMatch(
      /limit must be an integer in 0\.\.4294967295/,
    );
  });

  it("dump stops at limit, says more remain, and goes on from next", async () => {
    const res = await env.loader.call<{ entries: unknown[]; more: boolean; next: string }>("dump", {
      name: "main",
      map: "if_config",
      limit: 3,
    });
    expect(res.entries).toHaveLength(3);
    expect(res.more).toBe(true);
    const page = await env.loader.call<{ entries: [string, string][]; next: string }>("dump", {
      name: "main",
      map: "if_config",
      limit: 3,
      after: res.next,
    });
    expect(page.entries.map(([k]) => k)).toEqual(["03000000", "04000000", "05000000"]);
    await expect(
      env.loader.call("dump", { name: "main", map: "if_config", after: "zz" }),
    ).rejects.toThrow(/after: key must be 4 bytes of hex/);
  });

  it("sizes and names", async () => {
    expect(await call("test_run", { prog: "xdp_ingress", data: "00".repeat(65537) })).toMatch(
      /data must be 1\.\.65536 bytes/,
    );
    expect(
      await call("test_run", { prog: "xdp_ingress", data: frame, ctx: "00".repeat(4097) }),
    ).toMatch(/ctx must be 0\.\.4096 bytes/);
    expect(await call("test_run", { prog: "xdp_ingress", data: "abc" })).toMatch(/data must be/);
    expect(await call("lookup", { name: "n".repeat(64), map: "x", key: "00" })).toMatch(
      /name must be at most 63 bytes/,
    );
    expect(await call("lookup", { map: "m".repeat(256), key: "00" })).toMatch(
      /map must be at most 255 bytes/,
    );
    expect(await call("detach_tc", { ifname: "i".repeat(16), dir: "ingress" })).toMatch(
      /ifname must be at most 15 bytes/,
    );
    expect(
      await call("load", { name: "p", path: OBJ, pin: `/sys/fs/bpf/${"p".repeat(4000)}` }),
    ).toMatch(/pin must be at most/);
    const entries = Array.from({ length: 65537 }, () => ["01000000", "0100000001010000"]);
    expect(await call("update_batch", { map: "steering", entries })).toMatch(
      /at most 65536 entries/,
    );
    expect(await call("delete", { map: "steering", keys: entries.map(([k]) => k) })).toMatch(
      /at most 65536/,
    );
  });

  it("refuses a 33rd loaded object and recovers after unloads", async () => {
    const names: string[] = [];
    let refused = "";
    for (let i = 0; i < 40 && !refused; i++) {
      const name = `bare${i}`;
      refused = await call("load", { name, path: BARE_OBJ });
      if (refused === "ok") {
        names.push(name);
        refused = "";
      }
    }
    expect(refused).toMatch(/too many objects \(at most 32\)/);
    for (const name of names) await env.loader.call("unload", { name });
    expect(await call("load", { name: "bareAgain", path: BARE_OBJ })).toBe("ok");
    await env.loader.call("unload", { name: "bareAgain" });
  });
});

describe("batches are all-or-nothing or exact", () => {
  // app_ports: key {proto, pad, port be16}, value {app_id u16, pad}
  const key = (port: number) => `0600${port.toString(16).padStart(4, "0")}`;
  const lookup = (k: string) =>
    env.loader.call("lookup", { name: "main", map: "app_ports", key: k }).then(
      () => true,
      () => false,
    );

  it("a bad entry anywhere changes nothing", async () => {
    await env.fresh();
    const entries = [1, 2, 3, 4, 5].map((p) => [key(p), "07000000"]);
    entries[3] = [key(4), "zz"];
    const err = await env.loader
      .call("update_batch", { name: "main", map: "app_ports", entries })
      .catch((e: LoaderError) => e);
    expect(err).toBeInstanceOf(LoaderError);
    expect((err as LoaderError).message).toMatch(/entry 3: value must be 4 bytes of hex/);
    expect((err as LoaderError).response).toMatchObject({ applied: 0, index: 3 });
    for (const p of [1, 2, 3, 5]) expect(await lookup(key(p))).toBe(false);
  });

  it("a kernel refusal midway reports exactly how many were applied", async () => {
    await env.fresh();
    await env.loader.call("update", {
      name: "main",
      map: "app_ports",
      key: key(6),
      value: "01000000",
    });
    const entries = [1, 2, 3, 4, 5, 6, 7, 8].map((p) => [key(p), "07000000"]);
    const err = (await env.loader
      .call("update_batch", { name: "main", map: "app_ports", entries, flags: "noexist" })
      .catch((e: LoaderError) => e)) as LoaderError;
    expect(err.message).toMatch(/entry 5: update app_ports: File exists/);
    expect(err.response).toMatchObject({ ok: false, applied: 5, index: 5, errno: 17 });
    for (const p of [1, 2, 3, 4, 5]) expect(await lookup(key(p))).toBe(true);
    for (const p of [7, 8]) expect(await lookup(key(p))).toBe(false);
  });

  it("putMany surfaces how many entries a full map took", async () => {
    const dp = await env.fresh();
    const room = MAX_SERVICES + MAX_BACKENDS; // services and port forwards share the map
    const services = Array.from({ length: room + 36 }, (_, i): [object, object] => [
      { vip: `10.9.${i >> 8}.${i & 255}`, port: 80, proto: 6 },
      { flags: 2, backend_id: 1 },
    ]);
    const err = await dp.putMany("services", services).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PutManyError);
    expect(err).toMatchObject({ applied: room, total: room + 36, errno: 7 });
    expect((await dp.dump("services")).length).toBe(room);
  });

  it("delete and clear report counts", async () => {
    const dp = await env.fresh();
    await env.loader.call("update_batch", {
      name: "main",
      map: "app_ports",
      entries: [1, 2, 3].map((p) => [key(p), "07000000"]),
    });
    const del = await env.loader.call<{ count: number }>("delete", {
      name: "main",
      map: "app_ports",
      keys: [key(1), key(2), key(9)],
    });
    expect(del.count).toBe(2);
    const bad = (await env.loader
      .call("delete", { name: "main", map: "app_ports", keys: [key(3), "zz"] })
      .catch((e: LoaderError) => e)) as LoaderError;
    expect(bad.response).toMatchObject({ applied: 0, index: 1 });
    expect(bad.message).toMatch(/keys\[1\] must be 4 bytes of hex/);
    expect(await dp.clear("app_ports")).toBe(1);
    expect(await dp.clear("app_ports")).toBe(0);
    expect(await dp.clear("steering")).toBe(1024);
    expect(await dp.clear("rl_src")).toBe(0);
  });
});

describe("ifindex", () => {
  it("names a link's index without attaching anything, or says why not", async () => {
    expect(await env.loader.call("ifindex", { ifname: "lo" })).toMatchObject({ ifindex: 1 });
    await expect(env.loader.call("ifindex", { ifname: "nope0" })).rejects.toThrow(/No such device/);
    await expect(env.loader.call("ifindex", {})).rejects.toThrow(/ifname/);
  });
});

describe("pins", () => {
  it("a restarted helper reuses the pinned maps, so state survives", async () => {
    await env.fresh();
    const key = "07000000";
    const value = "00000000000000000000ffff0a00000700500100"; // 16-byte address, port, flags
    await env.loader.call("update", { name: "main", map: "backends", key, value });
    const second = LoaderClient.start(LOADER);
    try {
      await second.call("load", {
        name: "again",
        path: OBJ,
        pin: `${env.pinRoot}/main`,
        layout: DP_LAYOUT_VERSION,
      });
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

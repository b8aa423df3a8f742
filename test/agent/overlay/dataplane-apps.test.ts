// The overlay's classes in the data plane's app maps (drivers/dataplane-write.ts), against
// maps kept as the kernel keeps them: entries stored as the encoded C structs through the
// real codecs, arrays with every slot present. The same plan on the real object is what
// the root tests of bpf/ exercise (steering by mark and DSCP).
import { describe, expect, it } from "vitest";
import { planDataplane } from "../../../edge-agent/src/agent/drivers/dataplane-plan";
import {
  VerifyError,
  verifyApps,
  writeApps,
} from "../../../edge-agent/src/agent/drivers/dataplane-write";
import { planApps } from "../../../edge-agent/src/agent/overlay/apps";
import { overlayConfig } from "../../../edge-agent/src/agent/overlay/test-fixtures";
import type { Dataplane } from "../../../edge-agent/src/dataplane/dataplane";
import { MAP_CODECS } from "../../../edge-agent/src/dataplane/structs";
import { deviceConfig } from "../lib/control";

const ARRAYS: Record<string, number> = { steering: 1024 };

/** Just the map operations the writer uses, with the kernel's key identity (the bytes). */
function maps() {
  const store = new Map<string, Map<string, string>>();
  const m = (name: string) => {
    let s = store.get(name);
    if (!s) {
      s = new Map();
      store.set(name, s);
      const [k, v] = MAP_CODECS[name]!;
      for (let i = 0; i < (ARRAYS[name] ?? 0); i++)
        s.set(k.encode({ v: i }).toString("hex"), Buffer.alloc(v.size).toString("hex"));
    }
    return s;
  };
  const enc = (name: string, key: object, value?: object) => {
    const [k, v] = MAP_CODECS[name]!;
    return [k.encode(key).toString("hex"), value && v.encode(value).toString("hex")] as const;
  };
  const dec = (name: string, hex: string, which: 0 | 1) =>
    MAP_CODECS[name]![which].decode(Buffer.from(hex, "hex"));
  const dp = {
    async put(name: string, key: object, value: object) {
      const [k, v] = enc(name, key, value);
      m(name).set(k, v!);
    },
    async putMany(name: string, entries: [object, object][]) {
      for (const [key, value] of entries) await dp.put(name, key, value);
    },
    async del(name: string, key: object) {
      if (ARRAYS[name]) throw new Error("arrays have no delete");
      const [k] = enc(name, key);
      if (!m(name).delete(k)) throw new Error("ENOENT");
    },
    async get(name: string, key: object) {
      const v = m(name).get(enc(name, key)[0]);
      return v === undefined ? null : [dec(name, v, 1)];
    },
    async dump(name: string) {
      return [...m(name)].map(([k, v]) => ({ key: dec(name, k, 0), values: [dec(name, v, 1)] }));
    },
  };
  return { dp: dp as unknown as Dataplane, count: (name: string) => m(name).size };
}

describe("overlay classes in the data plane", () => {
  it("a DeviceConfig with an overlay plans its classes; one without plans none", () => {
    const withOverlay = planDataplane(deviceConfig({ overlay: overlayConfig() }));
    expect(withOverlay.apps?.map((a) => a.appId)).toEqual([1, 2, 3]);
    expect(planDataplane(deviceConfig()).apps).toBeUndefined();
  });

  it("writes ports, prefixes and steering, verifies them, and removes what a new plan drops", async () => {
    const { dp, count } = maps();
    const apps = planApps(overlayConfig().classes);
    await writeApps(dp, apps);
    await verifyApps(dp, apps);
    expect(count("app_ports")).toBe(3); // udp 5060-5061, tcp 873
    expect(count("app_prefixes")).toBe(1);
    expect(await dp.get("steering", { v: 1 })).toEqual([{ mark: 0x7a000001, dscp: 46, flags: 1 }]);

    const voiceOnly = planApps(overlayConfig().classes.slice(0, 1));
    await expect(verifyApps(dp, voiceOnly)).rejects.toThrow(VerifyError);
    await writeApps(dp, voiceOnly);
    await verifyApps(dp, voiceOnly);
    expect(count("app_ports")).toBe(2);
    expect(await dp.get("steering", { v: 2 })).toEqual([{ mark: 0, dscp: 0xff, flags: 0 }]);

    await writeApps(dp, []);
    await verifyApps(dp, []);
    expect(count("app_ports")).toBe(0);
    expect(count("app_prefixes")).toBe(0);
  });

  it("a port moving to another class is rewritten in place, never left unclassified", async () => {
    const { dp } = maps();
    const c = overlayConfig().classes;
    await writeApps(dp, planApps(c));
    c[1]!.match = [{ proto: "udp", lo: 5061, hi: 5061 }];
    c[0]!.match = [{ proto: "udp", lo: 5060, hi: 5060 }];
    await writeApps(dp, planApps(c));
    expect(await dp.get("app_ports", { proto: 17, port: 5061 })).toEqual([{ app_id: 2 }]);
    expect(await dp.get("app_ports", { proto: 6, port: 873 })).toBeNull();
  });

  it("refuses a config whose classes do not fit, before anything is written", () => {
    const o = overlayConfig();
    o.classes[1]!.match = [{ proto: "tcp", lo: 1, hi: 5000 }];
    expect(() => planDataplane(deviceConfig({ overlay: o }))).toThrow(
      /5002 ports; the data plane holds at most 4096/,
    );
  });
});

// Shared set-up for data-plane tests: build once, mount bpffs, run one loader per
// file, load objects pinned under a unique /sys/fs/bpf/patronus-test-* directory
// and always remove it again.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type InterfaceConfig, setInterface } from "../../../edge-agent/src/dataplane/config";
import { Dataplane } from "../../../edge-agent/src/dataplane/dataplane";
import { LoaderClient } from "../../../edge-agent/src/dataplane/loader-client";
import { clearPolicy } from "../../../edge-agent/src/dataplane/policy-apply";

export const BPF_DIR = fileURLToPath(new URL("../..", import.meta.url));
export const BUILD = join(BPF_DIR, "build");
export const OBJ = join(BUILD, "patronus.bpf.o");
export const BARE_OBJ = join(BUILD, "bare.bpf.o");
export const LOADER = join(BUILD, "patronus-loader");

let built = false;

/** `make` is incremental, so running it per test file costs little. */
export function ensureBuilt(): void {
  if (built) return;
  execFileSync("make", ["-s", "-C", BPF_DIR], { stdio: "inherit" });
  built = true;
}

export function ensureBpffs(): void {
  const mounts = readFileSync("/proc/mounts", "utf8");
  if (!mounts.split("\n").some((l) => l.split(" ")[1] === "/sys/fs/bpf"))
    execFileSync("mount", ["-t", "bpf", "bpf", "/sys/fs/bpf"]);
}

// Everything a test may have written; the big maglev array is left alone because a
// stale ring is unreachable once `services` is empty.
const RESET_MAPS = [
  "if_config",
  "counters",
  "rule_counters",
  "app_counters",
  "conntrack",
  "policy_rules",
  "services",
  "backends",
  "rl_src",
  "syn_dst",
  "app_ports",
  "app_prefixes",
  "steering",
  "snat_rules",
  "frags",
  "snat_scan_failed",
];

export interface Env {
  loader: LoaderClient;
  pinRoot: string;
  /** Loads a fresh copy of the pipeline (previous one of this env unloaded). */
  fresh(cfg?: Partial<InterfaceConfig>): Promise<Dataplane>;
  bare(): Promise<Dataplane>;
  close(): Promise<void>;
}

export async function setupEnv(): Promise<Env> {
  ensureBuilt();
  ensureBpffs();
  const pinRoot = `/sys/fs/bpf/patronus-test-${randomBytes(4).toString("hex")}`;
  const loader = LoaderClient.start(LOADER);
  let current: Dataplane | null = null;
  let bare: Dataplane | null = null;
  return {
    loader,
    pinRoot,
    async fresh(cfg = {}) {
      // Loading preallocates ~40 MB of maps; emptying the stateful ones is ~50x faster.
      if (current) {
        for (const m of RESET_MAPS) await current.clear(m);
        await clearPolicy(current); // its maps are big arrays: only the roots are reset
        await current.readPolicyLog(); // drain events of earlier tests
      } else {
        execFileSync("mkdir", ["-p", pinRoot]);
        current = await Dataplane.load(loader, {
          name: "main",
          path: OBJ,
          pin: join(pinRoot, "main"),
        });
      }
      await setInterface(current, { ifindex: 0, slot: 0, ...cfg });
      return current;
    },
    async bare() {
      bare ??= await Dataplane.load(loader, { name: "bare", path: BARE_OBJ });
      return bare;
    },
    async close() {
      if (loader.alive) {
        if (current) await current.unload().catch(() => undefined);
        await loader.close();
      }
      if (existsSync(pinRoot)) rmSync(pinRoot, { recursive: true, force: true });
    },
  };
}

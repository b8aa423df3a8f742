// Why an overlay test bed test cannot run here, or null: root tests (network namespaces)
// skip with a reason instead of failing on a machine that cannot run them.
import { accessSync, constants, existsSync } from "node:fs";
import { delimiter, join } from "node:path";

export function onPath(tool: string): boolean {
  return (process.env.PATH ?? "")
    .split(delimiter)
    .filter(Boolean)
    .some((dir) => {
      try {
        accessSync(join(dir, tool), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
}

const BPF_BUILD = join(import.meta.dirname, "..", "..", "..", "bpf", "build");

/**
 * `tools` beyond ip and nsenter; `tun` when the test needs /dev/net/tun (wireguard-go);
 * `bpf` when it runs the agent's eBPF data plane (bpf/build, made by `make -C bpf`).
 */
export function overlaySkipReason(
  o: { tools?: string[]; tun?: boolean; bpf?: boolean } = {},
): string | null {
  if (process.getuid?.() !== 0) return "needs root (network namespaces)";
  const missing = ["ip", "nsenter", "sysctl", ...(o.tools ?? [])].filter((t) => !onPath(t));
  if (missing.length) return `needs ${missing.join(", ")} on PATH`;
  if (o.tun && !existsSync("/dev/net/tun")) return "needs /dev/net/tun";
  if (o.bpf && !["patronus.bpf.o", "patronus-loader"].every((f) => existsSync(join(BPF_BUILD, f))))
    return "needs bpf/build/patronus.bpf.o and patronus-loader (make -C bpf)";
  return null;
}

// The one way a root-only test (network namespaces, eBPF, WireGuard) decides to run: it
// skips with the reason instead of failing on a machine that cannot run it.
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

const BPF_BUILD = join(import.meta.dirname, "..", "bpf", "build");

/**
 * Why a root-only test cannot run here, or null. Beyond root, ip, nsenter and sysctl:
 * `tools` on PATH; `tun` when the test needs /dev/net/tun (wireguard-go); `wireguard` for
 * wireguard-go and wg; `bpf` when it runs the eBPF data plane (`make -C bpf`).
 */
export function rootSkipReason(
  o: { tools?: string[]; tun?: boolean; wireguard?: boolean; bpf?: boolean } = {},
): string | null {
  if (process.getuid?.() !== 0) return "needs root (network namespaces)";
  if (o.wireguard) {
    const missing = ["wireguard-go", "wg"].filter((t) => !onPath(t));
    if (missing.length) return `needs ${missing.join(", ")} on PATH`;
  }
  const missing = ["ip", "nsenter", "sysctl", ...(o.tools ?? [])].filter((t) => !onPath(t));
  if (missing.length) return `needs ${missing.join(", ")} on PATH`;
  if (o.tun && !existsSync("/dev/net/tun")) return "needs /dev/net/tun";
  if (o.bpf && !["patronus.bpf.o", "patronus-loader"].every((f) => existsSync(join(BPF_BUILD, f))))
    return "needs bpf/build/patronus.bpf.o and patronus-loader (make -C bpf)";
  return null;
}
